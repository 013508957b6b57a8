package io.procvlm.vqa;

import io.procvlm.core.config.Config;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import java.util.Locale;

/** The ProcVQA task families of the reference (§5), by their output names. */
public enum VqaFamily {
    /** Family a: split a run of sampled frames into atomic actions (templates a1, a2). */
    SEGMENTATION,
    /** Family b: the next atomic action and the remaining ones, or that none is needed (templates b1, b2). */
    PLANNING,
    /** Family c: the remaining actions, then the progress in {@code <progress>} tags (template c). */
    PROGRESS;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static VqaFamily fromId(String id, Config config) {
        for (VqaFamily family : values()) {
            if (family.id().equals(id.strip().toLowerCase(Locale.ROOT))) {
                return family;
            }
        }
        throw new PipelineException(
                CoreErrorCode.CONFIG_INVALID_VALUE,
                "Invalid value '" + id + "' for configuration key '" + VqaConfig.FAMILIES + "' (from "
                        + config.source(VqaConfig.FAMILIES) + "): expected segmentation, planning or progress");
    }
}
