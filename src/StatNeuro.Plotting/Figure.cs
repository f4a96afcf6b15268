using ScottPlot;

namespace StatNeuro.Plotting;

/// <summary>One line or marker series of a figure.</summary>
/// <param name="Label">Legend text (empty for none).</param>
/// <param name="X">Abscissae.</param>
/// <param name="Y">Ordinates.</param>
/// <param name="Markers">Draw markers only (no connecting line).</param>
/// <param name="Dashed">Dashed line.</param>
public sealed record Series(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Markers = false, bool Dashed = false);

/// <summary>A 2-D figure description rendered to PNG and SVG with ScottPlot.</summary>
public sealed record FigureSpec
{
    /// <summary>Title above the plot.</summary>
    public string Title { get; init; } = string.Empty;

    /// <summary>x-axis label (with unit).</summary>
    public string XLabel { get; init; } = string.Empty;

    /// <summary>y-axis label (with unit).</summary>
    public string YLabel { get; init; } = string.Empty;

    /// <summary>Logarithmic x axis (values ≤ 0 are dropped).</summary>
    public bool LogX { get; init; }

    /// <summary>Logarithmic y axis (values ≤ 0 are dropped).</summary>
    public bool LogY { get; init; }

    /// <summary>The series.</summary>
    public IReadOnlyList<Series> Series { get; init; } = [];

    /// <summary>Optional error bars per series index: (series index, y errors).</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<double>>? YErrors { get; init; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; init; } = 800;

    /// <summary>Height in pixels.</summary>
    public int Height { get; init; } = 500;
}

/// <summary>Renders figures to files.</summary>
public static class FigureWriter
{
    /// <summary>Writes <paramref name="pathWithoutExtension"/>.png and .svg.</summary>
    /// <param name="spec">The figure.</param>
    /// <param name="pathWithoutExtension">Target path without extension.</param>
    /// <param name="svg">Also write SVG.</param>
    public static void Save(FigureSpec spec, string pathWithoutExtension, bool svg = true)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var plot = Build(spec);
        plot.SavePng(pathWithoutExtension + ".png", spec.Width, spec.Height);
        if (svg)
        {
            plot.SaveSvg(pathWithoutExtension + ".svg", spec.Width, spec.Height);
        }
    }

    private static Plot Build(FigureSpec spec)
    {
        var plot = new Plot();
        Color[] palette = new ScottPlot.Palettes.Category10().Colors;
        bool anyLabel = false;
        for (int s = 0; s < spec.Series.Count; s++)
        {
            Series series = spec.Series[s];
            var xs = new List<double>(series.X.Count);
            var ys = new List<double>(series.Y.Count);
            var es = new List<double>();
            IReadOnlyList<double>? err = null;
            spec.YErrors?.TryGetValue(s, out err);
            for (int k = 0; k < Math.Min(series.X.Count, series.Y.Count); k++)
            {
                double x = series.X[k], y = series.Y[k];
                if (!double.IsFinite(x) || !double.IsFinite(y) || (spec.LogX && x <= 0) || (spec.LogY && y <= 0))
                {
                    continue;
                }

                xs.Add(spec.LogX ? Math.Log10(x) : x);
                ys.Add(spec.LogY ? Math.Log10(y) : y);
                if (err is not null)
                {
                    es.Add(spec.LogY ? Math.Log10(1 + err[k] / y) : err[k]);
                }
            }

            Color color = palette[s % palette.Length];
            var scatter = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
            scatter.LineWidth = series.Markers ? 0 : 1.5f;
            scatter.MarkerSize = series.Markers ? 6 : 0;
            if (series.Dashed)
            {
                scatter.LinePattern = LinePattern.Dashed;
            }

            if (!string.IsNullOrEmpty(series.Label))
            {
                scatter.LegendText = series.Label;
                anyLabel = true;
            }

            if (err is not null && es.Count == xs.Count)
            {
                var bars = plot.Add.ErrorBar(xs.ToArray(), ys.ToArray(), es.ToArray());
                bars.Color = color;
            }
        }

        plot.Title(spec.Title);
        plot.XLabel(spec.LogX ? $"{spec.XLabel} (log10)" : spec.XLabel);
        plot.YLabel(spec.LogY ? $"{spec.YLabel} (log10)" : spec.YLabel);
        if (anyLabel)
        {
            plot.ShowLegend();
        }

        return plot;
    }
}
