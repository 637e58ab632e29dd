import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../../src/errors.js'
import { planResize, toOriginalPoint, toPreparedPoint } from '../../src/images/index.js'

describe('planResize', () => {
  it.each([
    // [width, height, options, [contentW, contentH, width, height]]
    [1024, 1024, { maxSide: 768 }, [768, 768, 768, 768]],
    [200, 300, { maxSide: 768 }, [200, 296, 200, 296]],
    [1280, 704, { maxSide: 1024 }, [1024, 560, 1024, 560]],
    [1280, 704, { maxSide: 1024, multipleOf: 64 }, [1024, 512, 1024, 512]],
    [1280, 704, { maxSide: 1024, multipleOf: 64, fit: 'pad' }, [1024, 563, 1024, 576]],
    [200, 300, { maxSide: 768, fit: 'pad' }, [200, 300, 200, 304]],
    [200, 300, { maxSide: 768, upscale: true }, [512, 768, 512, 768]],
    [5, 3, {}, [8, 8, 8, 8]],
    [3000, 10, { maxSide: 1000 }, [1000, 8, 1000, 8]],
    [1000, 1000, { maxSide: 1000, multipleOf: 64 }, [960, 960, 960, 960]],
  ] as const)('%ix%i with %o', (width, height, options, [cw, ch, w, h]) => {
    const t = planResize(width, height, options)
    expect([t.contentWidth, t.contentHeight, t.width, t.height]).toEqual([cw, ch, w, h])
    expect(t.scaleX).toBeCloseTo(cw / width)
    expect(t.scaleY).toBeCloseTo(ch / height)
  })

  it('always gives multiples within maxSide, shrinking only, with the aspect ratio kept within one step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9000 }),
        fc.integer({ min: 1, max: 9000 }),
        fc.constantFrom(8, 16, 32, 64),
        fc.integer({ min: 64, max: 4096 }),
        fc.constantFrom('resize' as const, 'pad' as const),
        (width, height, multipleOf, maxSide, fit) => {
          const t = planResize(width, height, { multipleOf, maxSide, fit })
          expect(t.width % multipleOf).toBe(0)
          expect(t.height % multipleOf).toBe(0)
          expect(Math.max(t.width, t.height)).toBeLessThanOrEqual(Math.max(maxSide, multipleOf))
          expect(t.contentWidth).toBeLessThanOrEqual(Math.max(width, multipleOf))
          expect(t.contentHeight).toBeLessThanOrEqual(Math.max(height, multipleOf))
          const scale = Math.min(1, (Math.floor(maxSide / multipleOf) * multipleOf) / Math.max(width, height))
          if (fit === 'pad') {
            expect(t.width - t.contentWidth).toBeLessThan(multipleOf)
            expect(t.height - t.contentHeight).toBeLessThan(multipleOf)
            // One scale for both sides, up to rounding each to whole pixels:
            expect(Math.abs(t.contentWidth - width * scale)).toBeLessThan(1)
            expect(Math.abs(t.contentHeight - height * scale)).toBeLessThan(1)
          } else {
            expect(Math.abs(t.contentWidth - width * scale)).toBeLessThan(multipleOf)
            expect(Math.abs(t.contentHeight - height * scale)).toBeLessThan(multipleOf)
          }
        },
      ),
    )
  })

  it('maps points there and back', () => {
    const t = planResize(1280, 704, { maxSide: 1024 })
    const p = toPreparedPoint(t, { x: 640, y: 352 })
    expect(p).toEqual({ x: 512, y: 280 })
    expect(toOriginalPoint(t, p)).toEqual({ x: 640, y: 352 })
  })

  it('refuses impossible options', () => {
    expect(() => planResize(100, 100, { maxSide: 7 })).toThrow(InvalidArgumentError)
    expect(() => planResize(100, 100, { multipleOf: 0 })).toThrow('multipleOf must be a positive integer')
    expect(() => planResize(0, 100)).toThrow('width must be a positive integer')
  })
})
