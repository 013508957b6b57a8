package io.procvlm.app;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Run in a fresh JVM by {@link TestCommandLine}: renders {@code --help} of the top command and of every subcommand,
 * at any depth, with {@code System.err} captured from the start (picocli's tracer keeps the stream it sees when it is
 * first loaded, so this has to happen before any picocli class loads), and prints one line per command, then what
 * reached stderr.
 */
public final class HelpRenderer {
    private HelpRenderer() {}

    public static void main(String[] args) {
        PrintStream realOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        List<List<String>> commands = new ArrayList<>();
        commands.add(List.of());
        collect(new CommandLine(new ProcvlmCommand()), new ArrayList<>(), commands);
        for (List<String> command : commands) {
            List<String> arguments = new ArrayList<>(command);
            arguments.add("--help");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = new Main(new PrintWriter(out, true), new PrintWriter(err, true))
                    .run(arguments.toArray(String[]::new));
            realOut.println("command=" + String.join(" ", command) + " exit=" + exit + " chars="
                    + out.toString().length());
            if (!err.toString().isEmpty()) {
                realOut.println("err: " + err);
            }
        }
        System.err.flush();
        realOut.println("stderr-begin");
        realOut.print(captured.toString(StandardCharsets.UTF_8));
        realOut.println("stderr-end");
    }

    private static void collect(CommandLine parent, List<String> path, List<List<String>> out) {
        for (Map.Entry<String, CommandLine> entry : parent.getSubcommands().entrySet()) {
            if (!entry.getKey().equals(entry.getValue().getCommandName())) {
                continue; // an alias
            }
            List<String> command = new ArrayList<>(path);
            command.add(entry.getKey());
            out.add(command);
            collect(entry.getValue(), command, out);
        }
    }
}
