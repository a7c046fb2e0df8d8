package dev.kvmigrate.cli;

import dev.kvmigrate.common.ExitCode;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kv-migrate} command: parses, calls the engine, renders. No migration logic lives here. */
@Command(
        name = "kv-migrate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Moves virtual machines from KVM hypervisors (libvirt, oVirt/RHV, OVA) onto KubeVirt,",
            "carrying NVIDIA vGPUs and passthrough GPUs across as GPU requests the target really satisfies."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  kv-migrate inventory scan --libvirt qemu:///system -o table",
            "  kv-migrate inventory scan --xml-dir ./dumps --out inventory.json",
            "",
            "Exit codes:",
            "  0  success                1  findings or failed items     2  usage error",
            "  3  invalid input          4  source unreachable           5  target error",
            "  6  I/O error              70 internal error (a bug)       130 interrupted",
            "",
            "Progress and logs go to stderr, results to stdout. NO_COLOR disables colour."
        })
public final class KvMigrate {
    /** The subcommands, in the order the usage help lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(InventoryCommand.class, ConvertCommand.class,
            ValidateCommand.class, ImportCommand.class, PlanCommand.class, CompletionCommand.class,
            CommandLine.HelpCommand.class);

    public static void main(String[] args) {
        configureLogging(args);
        System.exit(run(System.out, System.err, args));
    }

    /** Runs the CLI with the given streams; returns the exit code. The entry point tests call. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine cli = commandLine(out, err, args);
        return cli.execute(args);
    }

    /**
     * The configured command line for {@code args}, with error handling mapped to {@link ExitCode}s. When the first
     * argument names a subcommand, only that one is built: picocli builds each command's model by reflection when it
     * is added, and building the whole tree was most of every command's start-up. {@code --version} alone gets none.
     * Anything else (no argument, an option first, {@code help}, {@code completion}, a misspelt name picocli suggests
     * a fix for) gets the whole tree.
     */
    public static CommandLine commandLine(PrintStream out, PrintStream err, String... args) {
        CommandLine cli = new CommandLine(new KvMigrate());
        // before the settings below: picocli hands them to the subcommands present when each is set
        subcommandsFor(args).forEach(cli::addSubcommand);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        ErrorHandler handler = new ErrorHandler();
        cli.setExecutionExceptionHandler(handler);
        cli.setParameterExceptionHandler(handler);
        cli.setExitCodeExceptionMapper(handler);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setUsageHelpAutoWidth(true);
        return cli;
    }

    static List<Class<?>> subcommandsFor(String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return List.of();
        }
        if (args.length > 0) {
            for (Class<?> c : SUBCOMMANDS) {
                Command command = c.getAnnotation(Command.class);
                boolean named = command.name().equals(args[0]) || Arrays.asList(command.aliases()).contains(args[0]);
                if (named) {
                    boolean needsTree = c == CompletionCommand.class || c == CommandLine.HelpCommand.class;
                    return needsTree ? SUBCOMMANDS : List.of(c);
                }
            }
        }
        return SUBCOMMANDS;
    }

    static final String SIMPLE_LOGGER_PREFIX = "org.slf4j.simpleLogger.log.";
    /** fabric8's logger for "resource type with unstable version" warnings. */
    static final String FABRIC8_VERSION_USAGE = "io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils";

    /** slf4j-simple reads its level once, when the first logger is made: set it before anything logs. */
    static void configureLogging(String[] args) {
        boolean debug = Arrays.asList(args).contains("--debug");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", debug ? "debug" : "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", debug ? "true" : "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        // fabric8 warns about every v1beta1 kind it touches (CDI's DataVolume, UploadTokenRequest): CDI's API is
        // v1beta1 by design, so the warning says nothing a user can act on. Shown with --debug only.
        System.setProperty(SIMPLE_LOGGER_PREFIX + FABRIC8_VERSION_USAGE, debug ? "debug" : "off");
    }
}
