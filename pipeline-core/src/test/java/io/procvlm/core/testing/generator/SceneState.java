package io.procvlm.core.testing.generator;

/**
 * The scene at one frame, in normalised coordinates: x in [0, 1] across the table, z height above it in [0, 1].
 *
 * @param eeX end-effector x
 * @param eeZ end-effector height
 * @param gripper opening, 0 closed to 1 open
 * @param objectX object x
 * @param objectZ object height (0 on the table)
 * @param held whether the object moves with the gripper
 */
public record SceneState(double eeX, double eeZ, double gripper, double objectX, double objectZ, boolean held) {}
