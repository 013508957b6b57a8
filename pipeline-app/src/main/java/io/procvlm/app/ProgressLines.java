package io.procvlm.app;

import java.io.PrintWriter;

/**
 * Prints a progress line once: on stdout with the text log format, as a log event (one JSON object on stderr) with
 * {@code --log-format json}. (Printing both showed every line twice in a terminal, where stdout and stderr meet.)
 */
public final class ProgressLines {
    private ProgressLines() {}

    public static void print(PrintWriter out, org.slf4j.Logger log, String line) {
        if (jsonLogs()) {
            log.info(line);
        } else {
            out.println(line);
            out.flush();
        }
    }

    /** Whether the log is configured as JSON lines ({@code --log-format json} installs a JSON template layout). */
    static boolean jsonLogs() {
        if (!(org.apache.logging.log4j.LogManager.getContext(false)
                instanceof org.apache.logging.log4j.core.LoggerContext context)) {
            return false;
        }
        return context.getConfiguration().getAppenders().values().stream()
                .anyMatch(appender -> appender.getLayout() != null
                        && appender.getLayout().getClass().getSimpleName().equals("JsonTemplateLayout"));
    }
}
