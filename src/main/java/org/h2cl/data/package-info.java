/**
 * The split benchmarks (docs/ALGORITHM.md §1): Split CIFAR-10, Split CIFAR-100 and Split MNIST from
 * their official releases on any Hadoop file system ({@link org.h2cl.data.CifarBinaryReader},
 * {@link org.h2cl.data.MnistIdxReader}), providing them ({@link org.h2cl.data.CifarDownloader},
 * {@link org.h2cl.data.MnistDownloader}, {@link org.h2cl.data.SyntheticCifar}), cutting them into
 * tasks ({@link org.h2cl.data.TaskSplit}, {@link org.h2cl.data.TaskDataLoader}) and turning images
 * into normalised, augmented mini-batches ({@link org.h2cl.data.Preprocessing}, {@link
 * org.h2cl.data.TrainBatches}, {@link org.h2cl.data.EvalBatches}, {@link
 * org.h2cl.data.CifarTransforms}). Every image enters the network in CIFAR's 3 x 32 x 32 layout.
 * Knows nothing of Spark or the network.
 */
package org.h2cl.data;
