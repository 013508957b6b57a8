package io.procvlm.core.testing.generator;

/**
 * One true phase of a generated episode: ground truth for subtask segmentation.
 *
 * @param verb reach, grasp, lift, move, place, retreat
 * @param label the subtask text, e.g. "grasp the red block"
 * @param startFrame first frame (inclusive)
 * @param endFrame last frame (exclusive)
 * @param status completed, failed or incomplete
 */
public record Phase(String verb, String label, int startFrame, int endFrame, String status) {}
