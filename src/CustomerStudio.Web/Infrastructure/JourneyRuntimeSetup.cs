using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys.Runtime;

namespace CustomerStudio.Web.Infrastructure;

/// <summary>
/// The journey runtime in the web process (the one-command default): engine, triggers and outbox dispatch as sweeping
/// jobs on the studio's scheduler. Settings: <c>Journeys:*</c> (Enabled, LoopSeconds, PollMilliseconds, BatchSize),
/// <c>Journeys:Email:*</c> (SMTP host, port, security, user, password, from; without a host, .eml files in the data
/// folder's <c>mail-pickup</c>), <c>Journeys:Sms:*</c> (provider URL and key), <c>Journeys:Webhooks:Secret</c>.
/// </summary>
public static class JourneyRuntimeSetup
{
    public static void AddStudioJourneyRuntime(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Journeys");
        var database = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var dataDirectory = Path.GetFullPath(database.DataDirectory, builder.Environment.ContentRootPath);
        var webhooks = section.GetSection("Webhooks").Get<WebhookOptions>() ?? new WebhookOptions();
        if (string.IsNullOrEmpty(webhooks.Secret)) webhooks.Secret = LocalSecret(dataDirectory);
        builder.Services.AddJourneyRuntime(
            section.Get<JourneyRuntimeOptions>() ?? new JourneyRuntimeOptions(),
            section.GetSection("Email").Get<EmailOptions>() ?? new EmailOptions(),
            section.GetSection("Sms").Get<SmsOptions>() ?? new SmsOptions(),
            webhooks, dataDirectory);
    }

    /// <summary>
    /// Without <c>Journeys:Webhooks:Secret</c> the embedded studio makes one secret and keeps it in the data folder
    /// (<c>webhook.secret</c>, readable by its owner only). Several nodes must share one: set the setting.
    /// </summary>
    private static string LocalSecret(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var file = Path.Combine(dataDirectory, "webhook.secret");
        if (File.Exists(file)) return File.ReadAllText(file).Trim();
        var secret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(file, secret);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return secret;
    }
}
