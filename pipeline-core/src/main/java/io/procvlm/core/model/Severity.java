package io.procvlm.core.model;

/** Whether a problem stops an episode (quarantine) or is only reported. */
public enum Severity {
    /** The episode cannot be used and is quarantined. */
    ERROR,
    /** The episode is used; the problem is recorded beside it. */
    WARNING
}
