package org.h2cl.data;

import java.io.Serializable;

/** The CIFAR-10 training set (data_batch_1..5, in order) and test set (test_batch). */
public record CifarDataset(CifarImages train, CifarImages test) implements Serializable {}
