using System.Reflection;

namespace CustomerStudio.Web.Components.Shared;

/// <summary>One entry in the studio's navigation. <see cref="TitleKey"/> is a key of the shared resources.</summary>
public sealed record MenuItem(string TitleKey, string Href, string Icon, string? Policy, int Order);

/// <summary>Each feature registers its own navigation entries.</summary>
public interface IMenuProvider
{
    IEnumerable<MenuItem> GetItems();
}

public static class MenuProviderRegistration
{
    public static IServiceCollection AddMenuProviders(this IServiceCollection services, Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IMenuProvider).IsAssignableFrom(t)))
            services.AddSingleton(typeof(IMenuProvider), type);
        return services;
    }
}
