/**
 * Checkpoints of a seed's training state: {@link org.h2cl.checkpoint.ArrayBundle}, a named set of
 * primitive arrays plus text metadata in a checksummed binary format of our own; {@link
 * org.h2cl.checkpoint.CheckpointStore}, one bundle per seed and finished task on any Hadoop file
 * system; and {@link org.h2cl.checkpoint.Fingerprint}, which ties checkpoints to the settings that
 * produced them. Nothing here is read back with Java object deserialization.
 */
package org.h2cl.checkpoint;
