using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CustomerStudio.Core.Journeys.Runtime;

/// <summary>How one delivery attempt ended: delivered, failed for now (retry later), or failed for good (park).</summary>
public sealed record DeliveryResult(bool Delivered, bool Permanent = false, string? Error = null)
{
    public static readonly DeliveryResult Ok = new(true);
    public static DeliveryResult Retry(string error) => new(false, false, error);
    public static DeliveryResult Park(string error) => new(false, true, error);
}

/// <summary>A way out of the studio for outbox messages: e-mail, SMS, webhooks. One instance serves every dispatch batch.</summary>
public interface IOutboxChannel
{
    /// <summary>The <see cref="OutboxMessage.Channel"/> this channel delivers.</summary>
    string Name { get; }

    /// <summary>Delivers a batch; the results are in the order of the messages.</summary>
    Task<IReadOnlyList<DeliveryResult>> DeliverAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken ct);
}

public static class OutboxChannelNames
{
    public const string Email = "email";
    public const string Sms = "sms";
    public const string Webhook = "webhook";
}

/// <summary>An e-mail as the outbox stores it: rendered when the journey step ran, so delivery needs nothing else.</summary>
public sealed record EmailPayload(string To, string? ToName, string Subject, string Html, string? Text = null, string? UnsubscribeUrl = null);

/// <summary>A text message to one mobile number (E.164).</summary>
public sealed record SmsPayload(string To, string Text);

/// <summary>A webhook call: where, how, and the JSON body (signed when sent).</summary>
public sealed record WebhookPayload(string Url, string Method, JsonObject Body);

/// <summary><c>Journeys:Email:*</c>: the SMTP server, or a pickup folder when no server is set (the embedded default).</summary>
public sealed class EmailOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    /// <summary>None, StartTls, SslOnConnect or Auto.</summary>
    public string Security { get; set; } = "Auto";
    public string? User { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "CustomerStudio <noreply@customerstudio.local>";
    /// <summary>With no host: each message is written here as an .eml file (relative to the data folder).</summary>
    public string PickupDirectory { get; set; } = "mail-pickup";
    public int TimeoutSeconds { get; set; } = 30;
}

/// <summary><c>Journeys:Sms:*</c>: the SMS provider's HTTP endpoint (JSON <c>{"to","text"}</c>, bearer key).</summary>
public sealed class SmsOptions
{
    public string? Url { get; set; }
    public string? ApiKey { get; set; }
    public int TimeoutSeconds { get; set; } = 15;
}

/// <summary><c>Journeys:Webhooks:*</c>: the secret every webhook body is signed with.</summary>
public sealed class WebhookOptions
{
    public string Secret { get; set; } = "";
    public int TimeoutSeconds { get; set; } = 15;
}

/// <summary>
/// E-mail over SMTP with MailKit, one connection per batch. The Message-ID is derived from the outbox's idempotency
/// key, so a message that is ever delivered twice (a node dying between the server's "250 OK" and the outbox update)
/// carries the same Message-ID both times and receivers can drop the repeat. Without a host configured the message is
/// written to the pickup folder instead (the embedded studio works with no mail server).
/// </summary>
public sealed class EmailChannel(EmailOptions options, string dataDirectory) : IOutboxChannel
{
    public string Name => OutboxChannelNames.Email;

    public static string MessageIdOf(OutboxMessage m) => $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(m.IdempotencyKey)))[..32]}@customerstudio";

    public async Task<IReadOnlyList<DeliveryResult>> DeliverAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken ct)
    {
        var results = new DeliveryResult[messages.Count];
        var mails = new MimeMessage?[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            try
            {
                mails[i] = Build(messages[i]);
            }
            catch (Exception ex) when (ex is JsonException or ParseException or ArgumentException or FormatException)
            {
                results[i] = DeliveryResult.Park("bad e-mail payload: " + ex.Message);
            }
        }
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            var folder = Path.GetFullPath(options.PickupDirectory, dataDirectory);
            Directory.CreateDirectory(folder);
            for (var i = 0; i < messages.Count; i++)
                if (mails[i] is { } mail)
                {
                    await mail.WriteToAsync(Path.Combine(folder, $"{messages[i].Id}.eml"), ct);
                    results[i] = DeliveryResult.Ok;
                }
            return results;
        }

        using var smtp = new SmtpClient { Timeout = options.TimeoutSeconds * 1000 };
        try
        {
            await smtp.ConnectAsync(options.Host, options.Port, Enum.Parse<SecureSocketOptions>(options.Security, ignoreCase: true), ct);
            if (!string.IsNullOrEmpty(options.User)) await smtp.AuthenticateAsync(options.User, options.Password ?? "", ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            for (var i = 0; i < messages.Count; i++) results[i] ??= DeliveryResult.Retry("SMTP connect: " + ex.Message);
            return results;
        }
        for (var i = 0; i < messages.Count; i++)
        {
            if (mails[i] is not { } mail) continue;
            try
            {
                await smtp.SendAsync(mail, ct);
                results[i] = DeliveryResult.Ok;
            }
            catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
            {
                // 5xx: the server refuses this message for good (unknown mailbox, policy).
                results[i] = DeliveryResult.Park($"SMTP {(int)ex.StatusCode}: {ex.Message}");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                results[i] = DeliveryResult.Retry("SMTP: " + ex.Message);
                if (!smtp.IsConnected)
                {
                    for (var j = i + 1; j < messages.Count; j++) results[j] ??= DeliveryResult.Retry("SMTP connection lost: " + ex.Message);
                    break;
                }
            }
        }
        if (smtp.IsConnected) await smtp.DisconnectAsync(true, CancellationToken.None);
        return results;
    }

    private MimeMessage Build(OutboxMessage m)
    {
        var payload = JsonSerializer.Deserialize<EmailPayload>(m.PayloadJson, JsonSerializerOptions.Web) ?? throw new JsonException("empty payload");
        var mail = new MimeMessage { Subject = payload.Subject, MessageId = MessageIdOf(m) };
        mail.From.Add(MailboxAddress.Parse(options.From));
        mail.To.Add(new MailboxAddress(payload.ToName ?? "", payload.To));
        mail.Headers.Add("X-CustomerStudio-Key", m.IdempotencyKey);
        if (payload.UnsubscribeUrl is { } unsubscribe)
        {
            mail.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
            // RFC 8058 one-click: the mail client posts this to the link instead of opening it.
            mail.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        mail.Body = new BodyBuilder { HtmlBody = payload.Html, TextBody = payload.Text }.ToMessageBody();
        return mail;
    }
}

/// <summary>
/// Webhooks: the JSON body is signed with HMAC-SHA256 over <c>{timestamp}.{body}</c> with the workspace secret
/// (<c>X-CustomerStudio-Signature: t=…,v1=…</c>) and carries the outbox key as <c>Idempotency-Key</c>, so a receiver can
/// verify the sender and drop a repeat. 2xx is delivered; 408, 429 and 5xx are retried; other 4xx are parked.
/// </summary>
public sealed class WebhookChannel(HttpClient http, WebhookOptions options, TimeProvider clock) : IOutboxChannel
{
    public string Name => OutboxChannelNames.Webhook;

    public static string Sign(string secret, long timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    public async Task<IReadOnlyList<DeliveryResult>> DeliverAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken ct)
    {
        var results = new DeliveryResult[messages.Count];
        // A few calls at once: receivers are slow more often than they are many.
        await Parallel.ForEachAsync(Enumerable.Range(0, messages.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, token) => results[i] = await DeliverAsync(messages[i], token));
        return results;
    }

    private async Task<DeliveryResult> DeliverAsync(OutboxMessage m, CancellationToken ct)
    {
        WebhookPayload payload;
        try
        {
            payload = JsonSerializer.Deserialize<WebhookPayload>(m.PayloadJson, JsonSerializerOptions.Web) ?? throw new JsonException("empty payload");
            if (!Uri.TryCreate(payload.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return DeliveryResult.Park($"not an http(s) URL: {payload.Url}");
        }
        catch (JsonException ex)
        {
            return DeliveryResult.Park("bad webhook payload: " + ex.Message);
        }
        var body = payload.Body.ToJsonString();
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(payload.Method.Equals("PUT", StringComparison.OrdinalIgnoreCase) ? HttpMethod.Put : HttpMethod.Post, payload.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", m.IdempotencyKey);
        request.Headers.Add("X-CustomerStudio-Signature", $"t={timestamp},v1={Sign(options.Secret, timestamp, body)}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return DeliveryResult.Ok;
            return status is 408 or 429 or >= 500 ? DeliveryResult.Retry($"HTTP {status}") : DeliveryResult.Park($"HTTP {status}");
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return DeliveryResult.Retry(ex is OperationCanceledException ? $"no answer within {options.TimeoutSeconds} s" : ex.Message);
        }
    }
}

/// <summary>
/// SMS through the provider's HTTP API: <c>POST {Url}</c> with <c>{"to","text","reference"}</c> and a bearer key; the
/// reference is the outbox key, for the provider's own de-duplication. Unconfigured, messages wait (retried) rather
/// than vanish.
/// </summary>
public sealed class SmsChannel(HttpClient http, SmsOptions options) : IOutboxChannel
{
    public string Name => OutboxChannelNames.Sms;

    public async Task<IReadOnlyList<DeliveryResult>> DeliverAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken ct)
    {
        var results = new DeliveryResult[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Url)) { results[i] = DeliveryResult.Retry("no SMS provider configured (Journeys:Sms:Url)"); continue; }
            SmsPayload? payload;
            try { payload = JsonSerializer.Deserialize<SmsPayload>(messages[i].PayloadJson, JsonSerializerOptions.Web); }
            catch (JsonException ex) { results[i] = DeliveryResult.Park("bad SMS payload: " + ex.Message); continue; }
            if (payload is null) { results[i] = DeliveryResult.Park("empty SMS payload"); continue; }
            using var request = new HttpRequestMessage(HttpMethod.Post, options.Url)
            {
                Content = JsonContent(new { to = payload.To, text = payload.Text, reference = messages[i].IdempotencyKey }),
            };
            if (!string.IsNullOrEmpty(options.ApiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
            try
            {
                using var response = await http.SendAsync(request, timeout.Token);
                var status = (int)response.StatusCode;
                results[i] = response.IsSuccessStatusCode ? DeliveryResult.Ok
                    : status is 408 or 429 or >= 500 ? DeliveryResult.Retry($"HTTP {status}") : DeliveryResult.Park($"HTTP {status}");
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                results[i] = DeliveryResult.Retry(ex.Message);
            }
        }
        return results;
    }

    private static StringContent JsonContent(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");
}
