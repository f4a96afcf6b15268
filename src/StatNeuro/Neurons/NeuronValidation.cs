using System.Globalization;

namespace StatNeuro.Neurons;

/// <summary>Shared checks for parameter records: every problem reported at once.</summary>
internal static class NeuronValidation
{
    public static void Finite(List<string> errors, params (string Name, double Value)[] values)
    {
        foreach ((string name, double value) in values)
        {
            if (!double.IsFinite(value))
            {
                errors.Add($"{name} = {value.ToString(CultureInfo.InvariantCulture)}: must be a finite number");
            }
        }
    }

    public static void Positive(List<string> errors, params (string Name, double Value)[] values)
    {
        foreach ((string name, double value) in values)
        {
            if (double.IsFinite(value) && value <= 0)
            {
                errors.Add($"{name} = {value.ToString(CultureInfo.InvariantCulture)}: must be > 0");
            }
        }
    }

    public static void NonNegative(List<string> errors, params (string Name, double Value)[] values)
    {
        foreach ((string name, double value) in values)
        {
            if (double.IsFinite(value) && value < 0)
            {
                errors.Add($"{name} = {value.ToString(CultureInfo.InvariantCulture)}: must be >= 0");
            }
        }
    }
}
