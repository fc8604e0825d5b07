/**
 * The network H² trains: a CIFAR ResNet-18 with one shared trunk of maskable convolutions, one head
 * and one BatchNorm bank per task (docs/ALGORITHM.md §2), and the optimizer that moves it.
 *
 * <p>What lives here is the network's state and what is the same whatever computes it: {@link
 * org.h2cl.model.ResNet18} owns the parameters ({@link org.h2cl.model.ConvLayer}s with their
 * weight, gradient, active mask and effective weight {@code weight ⊙ mask}; {@link
 * org.h2cl.model.BatchNormLayer}s, whose γ, β and running statistics live in the current task's
 * {@link org.h2cl.model.BnBank}; the current {@link org.h2cl.model.Head}) and applies the head;
 * {@link org.h2cl.model.MomentumSgd} keeps the velocities of one phase; {@link
 * org.h2cl.model.SoftmaxCrossEntropy} is the loss; {@link org.h2cl.model.Init} draws seeded initial
 * values.
 *
 * <p>What computes it is behind two interfaces, brought together by a {@link
 * org.h2cl.model.Backend}: the {@link org.h2cl.model.Trunk} (stem, blocks, pooling, forward and
 * backward) and the {@link org.h2cl.model.MaskedUpdate} (the optimizer's masked momentum step).
 * Their implementations live in the peer packages {@code model.libnd4j} (libnd4j's ops; every
 * backend and data type) and {@code model.onednn} (oneDNN called directly; CPU, float32), and
 * {@code org.h2cl.compute.Backends} chooses one per network. This package imports neither; the
 * trainer, the checkpoints and the Fisher estimate see the same arrays whichever computed them.
 */
package org.h2cl.model;
