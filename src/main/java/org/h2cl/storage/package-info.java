/**
 * The folders a run writes, on any Hadoop file system: {@link org.h2cl.storage.OwnedFolder} marks
 * every folder the job creates and tells its own files from anyone else's, {@link
 * org.h2cl.storage.RunLock} keeps a second run off a folder in use, {@link
 * org.h2cl.storage.RunFolder} checks a folder before training (a file in its place, a lock, foreign
 * files, free space) and takes it (created, locked, rename probed, marked), and {@link
 * org.h2cl.storage.FreeSpace} says how much may still be written there. docs/RELIABILITY.md
 * describes the guarantees.
 */
package org.h2cl.storage;
