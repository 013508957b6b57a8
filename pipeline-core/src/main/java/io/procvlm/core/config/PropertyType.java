package io.procvlm.core.config;

/** The value types a configuration key can hold. */
public enum PropertyType {
    STRING,
    INTEGER,
    LONG,
    DOUBLE,
    BOOLEAN,
    /** One of a fixed set of lower-case words. */
    ENUM,
    /** A list of strings; on the command line, comma separated. */
    STRING_LIST,
    /** A map of string keys (which may contain dots) to strings; on the command line {@code key.sub=value}. */
    STRING_MAP,
    /** The {@code datasets} list: maps of {@code path}, {@code format}, {@code id}, {@code camera}. */
    DATASET_LIST
}
