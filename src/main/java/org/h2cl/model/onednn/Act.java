package org.h2cl.model.onednn;

import org.bytedeco.dnnl.memory;

/**
 * One activation of the trunk at one batch size, in oneDNN's blocked layout: its value and the
 * gradient of the loss with respect to it (same layout).
 */
record Act(memory.desc desc, memory value, memory grad) {}
