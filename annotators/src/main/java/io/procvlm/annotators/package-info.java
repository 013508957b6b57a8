/**
 * Subtask annotation: the {@code SubtaskAnnotator} SPI and its implementations ({@code vlm}, {@code native},
 * {@code kinematic}). Depends only on {@code pipeline-core}.
 */
package io.procvlm.annotators;
