using System.Collections.Frozen;
using System.Collections.Immutable;
using CdsHooks.Engine.Rules.Checks;

namespace CdsHooks.Engine.Rules;

/// <summary>The specialised checks a rule may name with <c>check:</c>.</summary>
internal static class BuiltInChecks
{
    public static readonly ImmutableArray<IRuleCheck> All = [new WeightBasedDoseCheck(), new PreDoseSafetyCheck()];

    public static readonly FrozenSet<string> Names = All.Select(c => c.Name).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Parameter names each check reads, for the loader's validation.</summary>
    public static readonly FrozenDictionary<string, IReadOnlyList<string>> Parameters =
        All.ToFrozenDictionary(c => c.Name, c => c.Parameters, StringComparer.Ordinal);
}
