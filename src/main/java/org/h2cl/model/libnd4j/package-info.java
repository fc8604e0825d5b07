/**
 * The network on libnd4j's ops, called directly into preallocated outputs: the peer of {@link
 * org.h2cl.model.onednn}, step for step, and the path for every backend and data type (cuDNN on
 * CUDA, float64 for the gradient checks).
 *
 * <p>{@link org.h2cl.model.libnd4j.Libnd4jTrunk} runs the layers as steps ({@code ConvStep}, {@code
 * BnStep}, {@code BlockStep}, {@code PoolStep}) whose activation buffers serve every batch size
 * ({@link org.h2cl.model.BatchBuffer}). {@link org.h2cl.model.libnd4j.Ops} wraps the libnd4j ops
 * (DL4J's layer API is ~20x slower); on the CPU, {@link org.h2cl.model.libnd4j.NchwKernels}
 * replaces those that are 2-10x slower than a pass over the data (BatchNorm, ReLU's gradient,
 * pooling, the momentum step). {@link org.h2cl.model.libnd4j.Libnd4jMaskedUpdate} is the
 * optimizer's step; {@link org.h2cl.model.libnd4j.Libnd4jBackend} puts the two together.
 */
package org.h2cl.model.libnd4j;
