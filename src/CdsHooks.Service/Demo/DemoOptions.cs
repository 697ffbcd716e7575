namespace CdsHooks.Service.Demo;

/// <summary>Configuration section "Demo": the order screen at /demo.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Default: on in Development, off elsewhere.</summary>
    public bool? Enabled { get; set; }
}
