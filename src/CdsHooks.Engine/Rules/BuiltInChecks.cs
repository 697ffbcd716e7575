using System.Collections.Frozen;
using System.Collections.Immutable;

namespace CdsHooks.Engine.Rules;

/// <summary>The specialised checks a rule may name with <c>check:</c>.</summary>
internal static class BuiltInChecks
{
    public static readonly ImmutableArray<IRuleCheck> All = [];

    public static readonly FrozenSet<string> Names = All.Select(c => c.Name).ToFrozenSet(StringComparer.Ordinal);
}
