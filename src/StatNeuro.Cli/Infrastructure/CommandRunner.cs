using System.CommandLine;
using System.Diagnostics;

namespace StatNeuro.Cli.Infrastructure;

/// <summary>The options every command shares (ARCHITECTURE.md §3).</summary>
internal sealed class CommonOptions
{
    public CommonOptions(string defaultOut)
    {
        Out = new Option<string>("--out") { Description = "Folder for results (created; existing files replaced atomically).", DefaultValueFactory = _ => defaultOut };
        Json = new Option<bool>("--json") { Description = "Print summary.json to stdout instead of the human-readable report." };
        Seed = new Option<ulong>("--seed") { Description = "Random seed; the same seed gives identical tables for any --threads.", DefaultValueFactory = _ => 1 };
        Threads = new Option<int>("--threads") { Description = "Worker threads (default: all cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        Quiet = new Option<bool>("--quiet") { Description = "No progress output." };
    }

    public Option<string> Out { get; }

    public Option<bool> Json { get; }

    public Option<ulong> Seed { get; }

    public Option<int> Threads { get; }

    public Option<bool> Quiet { get; }

    public Command AddTo(Command command)
    {
        command.Options.Add(Out);
        command.Options.Add(Json);
        command.Options.Add(Seed);
        command.Options.Add(Threads);
        command.Options.Add(Quiet);
        return command;
    }
}

/// <summary>Everything a command body needs: where to write, seed, threads, the summary, and text output.</summary>
internal sealed class RunContext
{
    private readonly CliContext _cli;
    private readonly OutputDirectory _output;

    public RunContext(CliContext cli, OutputDirectory output, Summary summary, ulong seed, int threads, bool json, bool quiet)
    {
        _cli = cli;
        _output = output;
        Summary = summary;
        Seed = seed;
        Threads = threads;
        Json = json;
        Quiet = quiet;
    }

    public Summary Summary { get; }

    public ulong Seed { get; }

    public int Threads { get; }

    public bool Json { get; }

    public bool Quiet { get; }

    public string OutputFolder => _output.Target;

    /// <summary>Path (in the staging folder) to write the output file <paramref name="relativePath"/> to.</summary>
    public string PathFor(string relativePath) => _output.PathFor(relativePath);

    /// <summary>Renders a figure to NAME.png and NAME.svg in the output folder.</summary>
    public void Figure(StatNeuro.Plotting.FigureSpec spec, string relativePathWithoutExtension)
    {
        string png = PathFor(relativePathWithoutExtension + ".png");
        PathFor(relativePathWithoutExtension + ".svg");
        StatNeuro.Plotting.FigureWriter.Save(spec, png[..^4]);
    }

    /// <summary>Human-readable line on stdout (suppressed by --json).</summary>
    public void Say(string line)
    {
        if (!Json)
        {
            _cli.Out.WriteLine(line);
        }
    }

    /// <summary>Progress line on stderr (suppressed by --quiet, --json, or a non-terminal).</summary>
    public void Progress(string line)
    {
        if (!Quiet && !Json)
        {
            _cli.Error.WriteLine(line);
        }
    }
}

/// <summary>Runs a command body with the shared contract: validation, staging, summary.json, exit codes.</summary>
internal static class CommandRunner
{
    public static int Execute(CliContext cli, ParseResult parse, CommonOptions common, string commandName, Action<RunContext> body)
    {
        try
        {
            int threads = parse.GetValue(common.Threads);
            if (threads < 1)
            {
                throw new CliUsageException($"--threads {threads}: must be at least 1.");
            }

            string outPath = parse.GetValue(common.Out)!;
            var summary = new Summary(commandName);
            ulong seed = parse.GetValue(common.Seed);
            summary["seed"] = seed;
            summary["threads"] = threads;
            using var output = new OutputDirectory(outPath);
            var ctx = new RunContext(cli, output, summary, seed, threads, parse.GetValue(common.Json), parse.GetValue(common.Quiet));
            var clock = Stopwatch.StartNew();
            body(ctx);
            summary["total_seconds"] = clock.Elapsed.TotalSeconds;
            File.WriteAllText(output.PathFor("summary.json"), summary.ToJson());
            output.Commit();
            if (ctx.Json)
            {
                cli.Out.WriteLine(summary.ToJson());
            }
            else
            {
                ctx.Say($"wrote {output.Target}");
            }

            return ExitCodes.Success;
        }
        catch (CliUsageException ex)
        {
            cli.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (Environment.GetEnvironmentVariable("STATNEURO_DEBUG") is null)
        {
            cli.Error.WriteLine($"unexpected failure: {ex.GetType().Name}: {ex.Message} (set STATNEURO_DEBUG=1 for the stack trace and please report it)");
            return ExitCodes.Failure;
        }
    }
}
