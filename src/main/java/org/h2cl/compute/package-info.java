/**
 * The seam between the algorithm and the kernels: {@link org.h2cl.compute.Backends} turns {@code
 * h2.compute.kernels} into the {@link org.h2cl.model.Backend} of one network ({@link
 * org.h2cl.model.libnd4j} or {@link org.h2cl.model.onednn}), once, so that nothing below it (the
 * model's parameters, the trainer, the checkpoints) knows which one computes.
 */
package org.h2cl.compute;
