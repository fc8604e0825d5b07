/**
 * The run's configuration: {@link org.h2cl.config.SettingsLoader} layers system properties, {@code
 * key=value} arguments, a conf file and {@code reference.conf}, validates every key and builds the
 * immutable {@link org.h2cl.config.H2Settings}. The only package (with {@code Main}) that sees
 * Typesafe Config.
 */
package org.h2cl.config;
