namespace CdsHooks.Service.Analytics;

public static class AnalyticsRegistration
{
    /// <summary>The record of cards shown (a bounded queue and its background writer) and the options of the
    /// report and the demo screen.</summary>
    public static WebApplicationBuilder AddCdsAnalytics(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(AnalyticsOptions.Section);
        builder.Services.Configure<AnalyticsOptions>(section);
        builder.Services.Configure<Demo.DemoOptions>(builder.Configuration.GetSection(Demo.DemoOptions.Section));
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Add(AnalyticsJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Add(Demo.DemoJsonContext.Default);
        });
        if ((section.Get<AnalyticsOptions>() ?? new AnalyticsOptions()).RecordCardsShown)
        {
            builder.Services.AddSingleton<CardsShownRecorder>();
            builder.Services.AddHostedService<CardsShownWriter>();
        }

        return builder;
    }
}
