/**
 * The classes the test server executes. Other classes of its object_info validate but fail at run time with
 * a NotImplementedError naming the class.
 * @module
 */
import * as image from './image-nodes.js'
import * as mask from './mask-nodes.js'
import * as model from './model-nodes.js'
import * as output from './output-nodes.js'
import type { NodeImplementation } from './types.js'

const primitive: NodeImplementation = async (inputs) => ({ outputs: [inputs['value']] })

export const NODE_IMPLEMENTATIONS: ReadonlyMap<string, NodeImplementation> = new Map<string, NodeImplementation>([
  ...Object.entries(image),
  ...Object.entries(mask),
  ...Object.entries(model),
  ...Object.entries(output),
  ['PrimitiveInt', primitive],
  ['PrimitiveFloat', primitive],
  ['PrimitiveString', primitive],
  ['PrimitiveStringMultiline', primitive],
  ['PrimitiveBoolean', primitive],
])

export { Interrupted, NodeException } from './types.js'
export type { NodeContext, NodeImplementation, NodeOutput } from './types.js'
