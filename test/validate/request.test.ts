/**
 * validateRequest(): whole POST /prompt bodies, against what a real ComfyUI 0.8.0 answered
 * (test/fixtures/server-captures) and against server.py's post_prompt where no capture exists.
 */
import { describe, expect, it } from 'vitest'
import { isCanonicalUuid, PyFloat, validateRequest, validateRequestText } from '../../src/validate/index.js'
import { readFixture } from '../helpers/fixtures.js'
import { readCapture } from '../testing/capture-helpers.js'
import { neutralVerdictDefs, verdictDefs } from './verdict-cases.js'

const defs = verdictDefs()
const options = { serverVersion: '0.8.0', files: 'assume-present' as const }
const judgeCapture = (name: string, counter = 0) => {
  const { request, response } = readCapture(name)
  const verdict =
    typeof request.body === 'string'
      ? validateRequestText(request.body, defs, { ...options, counter })
      : validateRequest(request.body, defs, { ...options, counter })
  return { verdict, response }
}
const prompt = {
  '1': { class_type: 'LoadImage', inputs: { image: 'example.png' } },
  '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
}

describe('recorded answers of ComfyUI 0.8.0', () => {
  it.each([
    ['21_no_prompt_key', 400],
    ['20_prompt_not_object', 500],
    ['22_invalid_json_body', 500],
    ['02_invert_scale_post_prompt', 200],
  ])('%s: HTTP %i and the same body', (name, status) => {
    const { verdict, response } = judgeCapture(name)
    expect(verdict.status).toBe(status)
    expect(response.status).toBe(status)
    const body = verdict.response({ promptId: 'x', number: 0 })
    if (typeof response.body === 'string') expect(body).toBe(response.body)
    else {
      const { prompt_id: _a, number: _b, ...rest } = response.body as Record<string, unknown>
      expect(body).toMatchObject(rest)
    }
  })

  it('numbers come from the server counter, negated for front; the counter moves on', () => {
    const a = judgeCapture('60_post_prompt_A', 3)
    expect([a.verdict.number, a.verdict.counterAfter, (a.response.body as { number: number }).number]).toEqual([3, 4, 3])
    const c = judgeCapture('60_post_prompt_C_front', 5)
    expect([c.verdict.number, c.verdict.counterAfter, (c.response.body as { number: number }).number]).toEqual([-5, 6, -5])
  })

  it('extra_data is kept and gets the client id', () => {
    const { verdict } = judgeCapture('02_invert_scale_post_prompt')
    expect(verdict.extraData).toEqual({
      extra_pnginfo: { workflow: { note: 'capture test' } },
      client_id: '7bbcd31b-2d13-4c23-91c4-110217440543',
    })
  })

  it('an explicit number is a float (5 → 5.0); one float() cannot read is HTTP 500 and leaves the counter', () => {
    const five = validateRequest({ prompt, client_id: 'c', number: 5 }, defs, { ...options, counter: 9 })
    expect(five.number).toEqual(new PyFloat(5))
    expect(five.counterAfter).toBe(9)
    const abc = validateRequest({ prompt, client_id: 'c', number: 'abc' }, defs, { ...options, counter: 9 })
    expect(abc).toMatchObject({ status: 500, counterAfter: 9, issues: [{ path: ['number'] }] })
    expect(abc.error?.details).toBe("ValueError: could not convert string to float: 'abc'")
  })
})

describe('post_prompt rules without a capture', () => {
  it('a list body has no prompt (400 no_prompt); a string body that contains "prompt" makes the server raise', () => {
    expect(validateRequest([1, 2], defs, options).error?.type).toBe('no_prompt')
    expect(validateRequest('my prompt', defs, options).status).toBe(500)
    expect(validateRequest(null, defs, options).status).toBe(500)
  })

  it('extra_data that is not an object fails with 500 once the client id is added, even for a rejected prompt', () => {
    expect(validateRequest({ prompt, client_id: 'c', extra_data: 'x' }, defs, options).status).toBe(500)
    expect(validateRequest({ prompt: {}, client_id: 'c', extra_data: ['x'] }, defs, options).status).toBe(500)
    // Without a client id it is only touched on success:
    expect(validateRequest({ prompt: {}, extra_data: 'x' }, defs, options)).toMatchObject({ status: 400, error: { type: 'prompt_no_outputs' } })
    expect(validateRequest({ prompt, extra_data: 'x' }, defs, options).status).toBe(500)
  })

  it('partial_execution_targets select the outputs', () => {
    const two = { ...prompt, '3': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } } }
    expect(validateRequest({ prompt: two, partial_execution_targets: ['3'] }, defs, options).outputs).toEqual(['3'])
    expect(validateRequest({ prompt: two, partial_execution_targets: [] }, defs, options).error?.type).toBe('prompt_no_outputs')
  })

  it('prompt_id: any value is taken through str() by 0.8.0; v0.25+ wants a canonical UUID', () => {
    expect(validateRequest({ prompt, prompt_id: null }, defs, options).promptId).toBe('None')
    expect(validateRequest({ prompt, prompt_id: 'MY-ID' }, defs, options).response()).toMatchObject({ prompt_id: 'MY-ID' })
    const latest = { ...options, serverVersion: '0.26.0' }
    expect(validateRequest({ prompt, prompt_id: 'MY-ID' }, defs, latest)).toMatchObject({ status: 400, error: { type: 'invalid_prompt_id' }, issues: [{ path: ['prompt_id'] }] })
    const id = '0b3c6a5e-1f2d-4c3b-9a8e-7d6c5b4a3f21'
    expect(isCanonicalUuid(id) && !isCanonicalUuid(id.toUpperCase())).toBe(true)
    expect(validateRequest({ prompt, prompt_id: id }, defs, latest).response()).toMatchObject({ prompt_id: id })
    expect(validateRequest({ prompt, prompt_id: null }, defs, latest).promptId).toBeUndefined()
  })

  it('the release comes from the definitions when not named', () => {
    expect(validateRequest({ prompt }, neutralVerdictDefs()).server).toMatchObject({ source: 'object_info', behaviour: { version: '0.8.0' } })
  })

  it('sensitive keys of extra_data are not stored', () => {
    const verdict = validateRequest({ prompt, extra_data: { api_key_comfy_org: 'secret', keep: 1 } }, defs, options)
    expect(verdict.extraData).toEqual({ keep: 1 })
    expect(readFixture('server-verdicts', 'README.md')).toContain('"extra_data": "x"')
  })
})
