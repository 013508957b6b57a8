package io.procvlm.app;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process and captures what it prints. */
final class Cli {
    record Result(int exitCode, String out, String err) {}

    private Cli() {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = new Main(new PrintWriter(out, true), new PrintWriter(err, true)).run(args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
