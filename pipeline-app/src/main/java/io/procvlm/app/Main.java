package io.procvlm.app;

import io.procvlm.core.error.ErrorType;
import io.procvlm.core.error.PipelineException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The {@code procvlm} entry point. {@link #run} returns the exit code; only {@link #main} exits the JVM. A failure
 * prints one line naming its error code (with {@code --verbose}, the stack trace too).
 */
public final class Main {
    private final PrintWriter out;
    private final PrintWriter err;

    public Main(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int exitCode = new Main(out, err).run(args);
        out.flush();
        err.flush();
        System.exit(exitCode);
    }

    public int run(String... args) {
        CommandLine commandLine = new CommandLine(new ProcvlmCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((exception, cl, parseResult) -> {
            boolean verbose = isVerbose(parseResult);
            // a task's failure comes wrapped by Spark: report the pipeline failure inside it
            PipelineException failure = PipelineException.in(exception);
            if (failure != null) {
                err.println("Error [" + failure.errorCode().name() + "]: " + failure.getMessage());
                if (verbose) {
                    exception.printStackTrace(err);
                } else if (failure.errorType() != ErrorType.USER_ERROR) {
                    err.println("(run with --verbose for details)");
                }
                err.flush();
                return exitCode(failure);
            }
            err.println("Error [INTERNAL]: " + exception);
            if (verbose) {
                exception.printStackTrace(err);
            } else {
                err.println("(run with --verbose for the stack trace)");
            }
            err.flush();
            return ExitCodes.FAILURE;
        });
        commandLine.setExitCodeExceptionMapper(
                exception -> exception instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.FAILURE);
        return commandLine.execute(args);
    }

    /** Configuration and command-line mistakes are usage errors (2); everything else is a failure (1). */
    static int exitCode(PipelineException failure) {
        return failure.errorType() == ErrorType.USER_ERROR
                        && failure.errorCode().name().startsWith("CONFIG_")
                ? ExitCodes.USAGE
                : ExitCodes.FAILURE;
    }

    private static boolean isVerbose(CommandLine.ParseResult parseResult) {
        CommandLine.ParseResult current = parseResult;
        while (current != null) {
            if (current.hasMatchedOption("--verbose")) {
                return true;
            }
            current = current.subcommand();
        }
        return false;
    }
}
