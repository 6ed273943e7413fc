using Microsoft.Extensions.DependencyInjection;

namespace CustomerStudio.Web.Features.Tags;

/// <summary>
/// Runs one tag operation in its own DI scope, so it gets a fresh DbContext and the tag services built on it:
/// a circuit lives for hours, a DbContext should live for one unit of work.
/// </summary>
internal static class TagWork
{
    public static async Task<T> RunAsync<T>(this IServiceScopeFactory scopes, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }
}
