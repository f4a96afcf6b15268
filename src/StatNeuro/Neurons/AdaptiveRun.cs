using StatNeuro.Dynamics;

namespace StatNeuro.Neurons;

/// <summary>Single-neuron runs with the adaptive Dormand–Prince and the implicit solver, spikes as threshold events.</summary>
internal static class AdaptiveRun
{
    public static NeuronTrace Run(INeuronModel model, CurrentInput input, NeuronSimulationSettings s) =>
        throw new NotSupportedException($"{s.Method} is not available yet for single neurons.");
}
