/** The pipeline's core: domain model, readers, video, features, IO, config, errors and Spark runtime helpers. */
package io.procvlm.core;
