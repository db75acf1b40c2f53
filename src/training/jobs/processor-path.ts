import * as path from 'node:path';
import { packageRoot } from '../../config/app-config';

/**
 * Compiled processor files. BullMQ sandboxes (and the embedded driver) fork a fresh Node
 * process that must load JavaScript, so these always point into dist/, even under tests.
 */
const DIST = path.join(packageRoot(), 'dist', 'src', 'worker', 'processor');

export const PROCESSOR_FILE = path.join(DIST, 'training.processor.js');
export const EMBEDDED_CHILD_FILE = path.join(DIST, 'embedded-child.js');
