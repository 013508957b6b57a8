package io.procvlm.progress;

import java.util.Locale;

/** How the task's progress budget is split between the plan's subtasks. */
public enum BudgetWeights {
    /** The reference's rule: weight = clip(K·L/T, 0.75, 1.25), L the subtask's duration, T/K the mean duration. */
    REFERENCE_CLIP("reference-clip"),
    /** Every subtask weighs the same. */
    UNIFORM("uniform"),
    /** Proportional to duration (time interpolation between subtask boundaries). */
    DURATION("duration");

    private final String id;

    BudgetWeights(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static BudgetWeights fromId(String id) {
        for (BudgetWeights weights : values()) {
            if (weights.id.equals(id.toLowerCase(Locale.ROOT))) {
                return weights;
            }
        }
        throw new IllegalArgumentException("Unknown budget weights: " + id);
    }
}
