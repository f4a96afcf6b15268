using System.Globalization;
using System.Text.Json.Nodes;
using StatNeuro.Cli.Infrastructure;
using StatNeuro.Plotting;

namespace StatNeuro.Cli.Reproduce;

/// <summary>One section of <c>statneuro reproduce</c>: regenerates the canonical results of one domain.</summary>
internal interface IReproduceSection
{
    /// <summary>Short name used by <c>--section</c> and as the sub-folder of results/.</summary>
    string Name { get; }

    /// <summary>Heading in index.html.</summary>
    string Title { get; }

    /// <summary>Runs the section, writing through <paramref name="context"/>.</summary>
    void Run(SectionContext context);
}

/// <summary>What a section writes to: its folder, the report blocks and the headline numbers.</summary>
internal sealed class SectionContext
{
    private readonly RunContext _run;

    public SectionContext(RunContext run, string name, bool full)
    {
        _run = run;
        Name = name;
        Full = full;
    }

    public string Name { get; }

    /// <summary>True for the long, publication-size versions (<c>--full</c>).</summary>
    public bool Full { get; }

    public ulong Seed => _run.Seed;

    public int Threads => _run.Threads;

    public List<ReportBlock> Blocks { get; } = [];

    /// <summary>Headline numbers, collected into summary.json under sections.NAME.</summary>
    public JsonObject Numbers { get; } = [];

    public string PathFor(string file) => _run.PathFor(Path.Combine(Name, file));

    public void Progress(string line) => _run.Progress($"[{Name}] {line}");

    public void Text(string text) => Blocks.Add(new ReportParagraph(text));

    public void Number(string key, object? value) => Numbers[key] = Summary.ToNode(value);

    /// <summary>Renders a figure to NAME.png/.svg and adds it to the report.</summary>
    public void Figure(FigureSpec spec, string fileName, string caption)
    {
        string basePath = PathFor(fileName);
        FigureWriter.Save(spec, basePath);
        _run.PathFor(Path.Combine(Name, fileName + ".svg"));
        _run.PathFor(Path.Combine(Name, fileName + ".png"));
        Blocks.Add(new ReportFigure($"{Name}/{fileName}.png", caption));
    }

    /// <summary>Writes a CSV table and shows it (at most <paramref name="maxRowsShown"/> rows) in the report.</summary>
    public void Table(string fileName, string caption, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<double>> columns, int maxRowsShown = 30)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Tables.WriteCsv(PathFor(fileName), header, columns);
        int rows = columns.Count == 0 ? 0 : columns[0].Count;
        var shown = new List<IReadOnlyList<string>>();
        for (int r = 0; r < Math.Min(rows, maxRowsShown); r++)
        {
            var cells = new string[columns.Count];
            for (int c = 0; c < columns.Count; c++)
            {
                cells[c] = columns[c][r].ToString("G6", CultureInfo.InvariantCulture);
            }

            shown.Add(cells);
        }

        string more = rows > maxRowsShown ? $" (first {maxRowsShown} of {rows} rows; full table in {Name}/{fileName})" : $" ({Name}/{fileName})";
        Blocks.Add(new ReportTable(caption + more, header, shown));
    }

    /// <summary>Shows a table of text cells in the report without writing a file.</summary>
    public void TextTable(string caption, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows) =>
        Blocks.Add(new ReportTable(caption, header, rows));
}
