package io.procvlm.app;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process and captures what it prints. */
final class Cli {
    record Result(int exitCode, String out, String err) {}

    private Cli() {}

    /**
     * The command line that runs {@code procvlm} with {@code arguments} in a new JVM with this JVM's flags and class
     * path (for tests that need a separate process: determinism across JVMs, environment variables, kills).
     */
    static java.util.List<String> inNewJvm(java.util.List<String> arguments) {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
        for (String argument :
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("--add-opens") || argument.startsWith("-D") || argument.startsWith("-XX")) {
                command.add(argument);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(arguments);
        return command;
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = new Main(new PrintWriter(out, true), new PrintWriter(err, true)).run(args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
