using System.Globalization;

namespace StatNeuro.Cli.Infrastructure;

/// <summary>Parsing and validation helpers that turn bad values into one-line usage errors.</summary>
internal static class OptionParsing
{
    public static double ParseDouble(string text, string where)
    {
        if (text.Equals("inf", StringComparison.OrdinalIgnoreCase) || text.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            return double.PositiveInfinity;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            throw new CliUsageException($"{where}: '{text}' is not a number.");
        }

        return v;
    }

    public static double RequireFinite(double value, string where)
    {
        if (!double.IsFinite(value))
        {
            throw new CliUsageException($"{where} = {value.ToString(CultureInfo.InvariantCulture)}: must be a finite number.");
        }

        return value;
    }

    public static double RequirePositive(double value, string where)
    {
        RequireFinite(value, where);
        if (value <= 0)
        {
            throw new CliUsageException($"{where} = {value.ToString(CultureInfo.InvariantCulture)}: must be > 0.");
        }

        return value;
    }

    /// <summary>Parses NAME=VALUE pairs into a dictionary (names case-insensitive).</summary>
    public static Dictionary<string, double> ParseAssignments(IEnumerable<string> items, string optionName)
    {
        var result = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (string item in items)
        {
            int eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == item.Length - 1)
            {
                throw new CliUsageException($"{optionName} '{item}': expected NAME=VALUE, e.g. {optionName} TauMs=20.");
            }

            string name = item[..eq].Trim();
            result[name] = RequireFinite(ParseDouble(item[(eq + 1)..].Trim(), $"{optionName} {name}"), $"{optionName} {name}");
        }

        return result;
    }

    /// <summary>Parses START:STOP:STEP into an inclusive list of values.</summary>
    public static double[] ParseRange(string text, string optionName)
    {
        string[] parts = text.Split(':');
        if (parts.Length != 3)
        {
            throw new CliUsageException($"{optionName} '{text}': expected START:STOP:STEP, e.g. {optionName} 0:20:0.5.");
        }

        double start = RequireFinite(ParseDouble(parts[0], optionName), optionName + " START");
        double stop = RequireFinite(ParseDouble(parts[1], optionName), optionName + " STOP");
        double step = RequirePositive(ParseDouble(parts[2], optionName), optionName + " STEP");
        if (stop < start)
        {
            throw new CliUsageException($"{optionName} '{text}': STOP must be >= START.");
        }

        int n = (int)Math.Floor((stop - start) / step + 1e-9) + 1;
        if (n > 100_000)
        {
            throw new CliUsageException($"{optionName} '{text}': {n} points is too many (at most 100000); use a larger STEP.");
        }

        var values = new double[n];
        for (int k = 0; k < n; k++)
        {
            values[k] = start + k * step;
        }

        return values;
    }
}
