/**
 * Split CIFAR-10 (docs/ALGORITHM.md §1): reading the official binary files from any Hadoop file
 * system ({@link org.h2cl.data.CifarBinaryReader}), providing them ({@link
 * org.h2cl.data.CifarDownloader}, {@link org.h2cl.data.SyntheticCifar}), cutting them into tasks
 * ({@link org.h2cl.data.SplitCifar}, {@link org.h2cl.data.TaskDataLoader}) and turning images into
 * normalised, augmented mini-batches ({@link org.h2cl.data.TrainBatches}, {@link
 * org.h2cl.data.EvalBatches}, {@link org.h2cl.data.CifarTransforms}). Knows nothing of Spark or the
 * network.
 */
package org.h2cl.data;
