package io.procvlm.app;

/** The exit codes of every procvlm command (the contract schedulers rely on). */
public final class ExitCodes {
    /** Everything asked for was done; nothing was quarantined. */
    public static final int OK = 0;
    /** The command failed: nothing usable was produced (or an internal/external error stopped it). */
    public static final int FAILURE = 1;
    /** The command line or the configuration is wrong; nothing was run. */
    public static final int USAGE = 2;
    /** Partial success: outputs were written, but some episodes or datasets were quarantined. */
    public static final int PARTIAL = 3;

    private ExitCodes() {}
}
