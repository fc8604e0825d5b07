package org.h2cl.data;

import java.io.Serializable;

/**
 * One task of a split benchmark: the images of classes {@code firstClass .. firstClass + classes -
 * 1}, labels remapped to {@code 0 .. classes - 1}.
 *
 * @param task 1-based task number
 */
public record TaskData(int task, int firstClass, int classes, CifarImages train, CifarImages test)
    implements Serializable {}
