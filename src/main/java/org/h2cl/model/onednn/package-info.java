/**
 * The trunk of the ResNet-18 on oneDNN, called directly through JavaCPP's bindings, for the CPU
 * backend in float32.
 *
 * <p>Why: libnd4j's conv2d wraps the same oneDNN, but converts every activation from NCHW into
 * oneDNN's blocked layout and back on every call (and the output buffer's old contents too), which
 * was ~30 % of a training step, and rebuilds each primitive each call. Here activations stay in the
 * blocked layout (nChw16c) from the stem to the pooling, primitives are built once per batch size,
 * BatchNorm+ReLU and add+ReLU are fused, and the 3×3 stride-1 convolutions may use Winograd ({@link
 * org.h2cl.model.ConvAlgorithm}). Parameters stay where the rest of the program keeps them (the
 * {@link org.h2cl.model.ConvLayer}s and BN banks, plain layout); weights are copied into oneDNN's
 * layout only when they changed, and gradients back once per backward pass.
 *
 * <p>{@link org.h2cl.model.onednn.OneDnnTrunk} is the entry point; {@link
 * org.h2cl.model.onednn.OneDnn} says whether the library can run here.
 */
package org.h2cl.model.onednn;
