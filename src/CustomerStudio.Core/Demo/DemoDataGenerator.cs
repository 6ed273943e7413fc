using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Tags;
using static CustomerStudio.Core.Demo.DemoReferenceData;

namespace CustomerStudio.Core.Demo;

/// <summary>A tag assignment planned by tag and value code; ids are resolved once the taxonomy exists.</summary>
internal readonly record struct PlannedAssignment(
    long CustomerId, string TagCode, string? ValueCode, AssignmentSource Source, DateTime AssignedAt, DateTime? ExpiresAt);

/// <summary>The generated workspace, with ids from 1 in chronological order; navigations are filled as well as the flat lists.</summary>
internal sealed class DemoDataSet
{
    public required DateTime Now { get; init; }
    public required DateTime Start { get; init; }
    public List<Customer> Customers { get; } = [];
    public List<CustomerIdentity> Identities { get; } = [];
    public List<CustomerEvent> Events { get; } = [];
    public List<EventProperty> EventProperties { get; } = [];
    public List<Order> Orders { get; } = [];
    public List<OrderLine> OrderLines { get; } = [];
    public List<PlannedAssignment> Assignments { get; } = [];
    public List<Account> Accounts { get; } = [];
    public List<AccountMember> AccountMembers { get; } = [];
}

/// <summary>
/// Builds the demo workspace in memory from a seeded <see cref="Random"/>: the same options and reference date give the same data.
/// </summary>
internal sealed class DemoDataGenerator
{
    public const string PricingPath = "/pricing";
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);
    private static readonly JavaScriptEncoder JsonEncoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    private const string OpenIdChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private enum Activity { Light, Regular, Power, Lapsed }

    private sealed class Profile(Customer customer)
    {
        public Customer Customer { get; } = customer;
        public Activity Activity;
        public DateTime ActiveEnd;
        public bool IsB2B;
        public bool IsBuyer;
        public double EventWeight;
        public double OrderWeight;

        public int EventCount;
        public DateTime? LastEvent;
        public int PricingViews7d;
        public DateTime? LastPricingView7d;
        public DateTime? LastDemoRequest;
        public DateTime? LastEmailClick;
        public int PaidOrders;
        public decimal PaidTotal;
        public DateTime? FirstPaid;
        public DateTime? SecondPaid;
        public DateTime? LastPaid;
        public DateTime? LastOrder;
    }

    private readonly DemoSeedOptions _options;
    private readonly Random _rng;
    private readonly DateTime _now;
    private readonly DateTime _start;
    private readonly HashSet<string> _phones = new(StringComparer.Ordinal);
    private readonly HashSet<string> _emails = new(StringComparer.OrdinalIgnoreCase);
    // Open ids are case-sensitive, but SQL Server's default collation is not: keep them unique ignoring case.
    private readonly HashSet<string> _openIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Profile> _profiles = [];
    private readonly DemoDataSet _data;

    public DemoDataGenerator(DemoSeedOptions options, DateTime now)
    {
        _options = options;
        _rng = new Random(options.Seed);
        _now = DateTime.SpecifyKind(now, DateTimeKind.Utc);
        _start = _now.AddMonths(-18);
        _data = new DemoDataSet { Now = _now, Start = _start };
    }

    public DemoDataSet Generate()
    {
        GenerateCustomers();
        GenerateEvents();
        GenerateOrders();
        FinishCustomers();
        PlanAssignments();
        GenerateAccounts();
        return _data;
    }

    // ------------------------------------------------------------------ customers

    private void GenerateCustomers()
    {
        var n = _options.Customers;
        var span = _now - _start;
        var created = new DateTime[n];
        for (var i = 0; i < n; i++)
        {
            // More sign-ups lately: the business grows over the 18 months.
            var fraction = Math.Pow(_rng.NextDouble(), 0.75);
            created[i] = Seconds(_start + span * fraction);
        }
        Array.Sort(created);

        long identityId = 0;
        for (var i = 0; i < n; i++)
        {
            var createdAt = created[i];
            var gender = _rng.NextDouble() switch { < 0.47 => Gender.Male, < 0.95 => Gender.Female, _ => Gender.Unknown };
            var surname = Surnames.Next(_rng);
            var givenPool = gender switch
            {
                Gender.Male => MaleGiven,
                Gender.Female => FemaleGiven,
                _ => _rng.NextDouble() < 0.5 ? MaleGiven : FemaleGiven,
            };
            var g1 = givenPool[_rng.Next(givenPool.Length)];
            NamePart? g2 = null;
            if (_rng.NextDouble() >= 0.28)
            {
                do g2 = givenPool[_rng.Next(givenPool.Length)]; while (g2.Han == g1.Han);
            }
            var givenPinyin = g1.Pinyin + g2?.Pinyin;

            var customer = new Customer
            {
                Id = i + 1,
                Name = surname.Han + g1.Han + g2?.Han,
                Gender = gender,
                BirthDate = _rng.NextDouble() < 0.92 ? BirthDate() : null,
                SourceChannel = SourceChannels.Next(_rng),
                CreatedAt = createdAt,
                UpdatedAt = createdAt,
            };
            CityDef? city = null;
            if (_rng.NextDouble() < 0.97)
            {
                var province = ProvinceWeights.Next(_rng);
                city = CityWeights[province.Name].Next(_rng);
                customer.Province = province.Name;
                customer.City = city.Name;
            }

            var profile = new Profile(customer) { IsB2B = _rng.NextDouble() < 0.12 };
            string? companyDomain = null;
            if (profile.IsB2B)
            {
                var brand = CompanyBrands[_rng.Next(CompanyBrands.Length)];
                var industry = IndustryWeights.Next(_rng);
                customer.Company = (city?.Name ?? "上海") + brand.Han + IndustrySuffix[industry] + "有限公司";
                customer.Industry = industry;
                customer.CompanySize = CompanySizes.Next(_rng);
                companyDomain = (city?.Pinyin ?? "sh") + "-" + brand.Pinyin + (_rng.NextDouble() < 0.5 ? ".com" : ".com.cn");
            }

            customer.Phone = UniquePhone();
            AddIdentity(customer, IdentityKind.Phone, customer.Phone, true, ref identityId);
            if (_rng.NextDouble() < 0.03)
                AddIdentity(customer, IdentityKind.Phone, UniquePhone(), false, ref identityId);

            if (_rng.NextDouble() < (profile.IsB2B ? 0.9 : 0.42))
            {
                customer.Email = UniqueEmail(surname.Pinyin, givenPinyin, customer.BirthDate, companyDomain);
                AddIdentity(customer, IdentityKind.Email, customer.Email, true, ref identityId);
            }
            if (_rng.NextDouble() < (customer.SourceChannel == "wechat" ? 0.9 : 0.25))
                AddIdentity(customer, IdentityKind.WeChatOpenId, UniqueOpenId(), true, ref identityId);

            AssignActivity(profile);
            _profiles.Add(profile);
            _data.Customers.Add(customer);
        }
    }

    private void AddIdentity(Customer customer, IdentityKind kind, string value, bool primary, ref long id)
    {
        var identity = new CustomerIdentity
        {
            Id = ++id, CustomerId = customer.Id, Kind = kind, Value = value, IsPrimary = primary, CreatedAt = customer.CreatedAt,
        };
        customer.Identities.Add(identity);
        _data.Identities.Add(identity);
    }

    private DateOnly BirthDate()
    {
        var age = _rng.NextDouble() switch
        {
            < 0.18 => 18 + _rng.Next(7),
            < 0.52 => 25 + _rng.Next(10),
            < 0.76 => 35 + _rng.Next(10),
            < 0.90 => 45 + _rng.Next(10),
            _ => 55 + _rng.Next(16),
        };
        // Between the (age+1)-th birthday's eve and the age-th birthday: exactly `age` years old today.
        var today = DateOnly.FromDateTime(_now);
        var latest = today.AddYears(-age);
        var earliest = today.AddYears(-age - 1).AddDays(1);
        return earliest.AddDays(_rng.Next(latest.DayNumber - earliest.DayNumber + 1));
    }

    private string UniquePhone()
    {
        while (true)
        {
            var phone = "+86" + MobilePrefixes.Next(_rng) + _rng.Next(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture);
            if (_phones.Add(phone)) return phone;
        }
    }

    private string UniqueEmail(string surname, string given, DateOnly? birthDate, string? companyDomain)
    {
        var domain = companyDomain ?? EmailDomains.Next(_rng);
        string local;
        if (companyDomain is not null)
            local = _rng.NextDouble() < 0.6 ? given + "." + surname : surname + given;
        else if (domain == "qq.com" && _rng.NextDouble() < 0.5)
            local = _rng.Next(10_000, 1_000_000_000).ToString(CultureInfo.InvariantCulture);
        else
            local = _rng.Next(5) switch
            {
                0 => surname + given,
                1 => given + "." + surname,
                2 => surname + given + (birthDate?.Year ?? 1970 + _rng.Next(35)).ToString(CultureInfo.InvariantCulture),
                3 => surname + "_" + given + _rng.Next(1, 100).ToString(CultureInfo.InvariantCulture),
                _ => surname[..1] + given + _rng.Next(100, 10_000).ToString(CultureInfo.InvariantCulture),
            };
        var email = (local + "@" + domain).ToLowerInvariant();
        while (!_emails.Add(email))
        {
            local += _rng.Next(10).ToString(CultureInfo.InvariantCulture);
            email = (local + "@" + domain).ToLowerInvariant();
        }
        return email;
    }

    private string UniqueOpenId()
    {
        // Official-account open ids: 28 characters, a per-app prefix and a URL-safe tail.
        Span<char> chars = stackalloc char[28];
        while (true)
        {
            "oK3m_".AsSpan().CopyTo(chars);
            for (var i = 5; i < chars.Length; i++) chars[i] = OpenIdChars[_rng.Next(OpenIdChars.Length)];
            var id = new string(chars);
            if (_openIds.Add(id)) return id;
        }
    }

    private void AssignActivity(Profile p)
    {
        var createdAt = p.Customer.CreatedAt;
        p.ActiveEnd = _now;
        if ((_now - createdAt).TotalDays > 210 && _rng.NextDouble() < 0.25)
        {
            // Lapsed: active for a while, silent for the last 6+ months.
            p.Activity = Activity.Lapsed;
            var latest = _now.AddDays(-190);
            var earliest = createdAt.AddDays(21) > _now.AddDays(-420) ? createdAt.AddDays(21) : _now.AddDays(-420);
            if (earliest > latest) earliest = createdAt + (latest - createdAt) * 0.3;
            p.ActiveEnd = Seconds(earliest + (latest - earliest) * _rng.NextDouble());
        }
        else
        {
            p.Activity = _rng.NextDouble() switch { < 0.07 => Activity.Power, < 0.40 => Activity.Regular, _ => Activity.Light };
        }

        var windowDays = Math.Max(0, (p.ActiveEnd - createdAt).TotalDays);
        var eventBase = p.Activity switch { Activity.Power => 30.0, Activity.Regular => 6.0, Activity.Lapsed => 4.0, _ => 1.2 };
        p.EventWeight = eventBase * Math.Exp(0.5 * Gaussian()) * Math.Min(1, (windowDays + 7) / 180);

        var buyRate = BuyerRate(p.Customer.SourceChannel!) * (p.IsB2B ? 0.5 : 1) * (p.Activity == Activity.Lapsed ? 1.15 : 1);
        p.IsBuyer = _rng.NextDouble() < Math.Min(0.95, buyRate);
        var orderBase = p.Activity switch { Activity.Power => 2.5, Activity.Regular => 1.3, Activity.Lapsed => 1.0, _ => 0.8 };
        // Pareto tail: a few customers buy again and again.
        p.OrderWeight = Math.Min(40, Math.Pow(1 - _rng.NextDouble(), -1 / 1.3)) * orderBase * Math.Min(1, (windowDays + 14) / 120);
    }

    // ------------------------------------------------------------------ events

    private void GenerateEvents()
    {
        var total = _options.Events;
        if (total == 0 || _profiles.Count == 0) return;
        var events = new List<CustomerEvent>(total);

        // Pricing-page visitors: hot (≥3 views in the last 4 days), near misses (2 views) and stale ones (3+ views weeks ago).
        var candidates = _profiles.Where(p => p.Activity != Activity.Lapsed && p.Customer.CreatedAt < _now.AddDays(-10)).ToArray();
        Shuffle(candidates);
        var n = _profiles.Count;
        int hot = Math.Max(1, (int)Math.Round(n * 0.02)), near = (int)Math.Round(n * 0.008), stale = (int)Math.Round(n * 0.008);
        var budget = total / 2;
        for (var i = 0; i < candidates.Length && i < hot + near + stale; i++)
        {
            var p = candidates[i];
            var (views, from, to) = i < hot ? (3 + _rng.Next(4), _now.AddDays(-4), _now.AddHours(-1))
                : i < hot + near ? (2, _now.AddDays(-6), _now.AddHours(-1))
                : (3 + _rng.Next(2), _now.AddDays(-30), _now.AddDays(-9));
            if (events.Count + views > budget) break;
            for (var v = 0; v < views; v++)
            {
                var at = Seconds(from + (to - from) * _rng.NextDouble());
                events.Add(NewEvent(p, "page_view", at, _rng.NextDouble() < 0.8 ? "web" : "wechat", ("path", PricingPath)));
            }
        }

        var pick = new Weighted<Profile>(_profiles.Select(p => (p, p.EventWeight)));
        while (events.Count < total)
        {
            var p = pick.Next(_rng);
            var at = RandomTime(p.Customer.CreatedAt, p.ActiveEnd, recencyBias: p.Activity != Activity.Lapsed);
            events.Add(RandomEvent(p, at));
        }

        // Ids follow time, as they would have in a live system.
        var order = new int[events.Count];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            var c = events[a].OccurredAt.CompareTo(events[b].OccurredAt);
            return c != 0 ? c : a.CompareTo(b);
        });
        long id = 0;
        foreach (var index in order)
        {
            var e = events[index];
            e.Id = ++id;
            _data.Events.Add(e);
            foreach (var property in e.Properties)
            {
                property.EventId = e.Id;
                _data.EventProperties.Add(property);
            }
            var p = _profiles[(int)e.CustomerId - 1];
            p.EventCount++;
            if (p.LastEvent is null || e.OccurredAt > p.LastEvent) p.LastEvent = e.OccurredAt;
            switch (e.Type)
            {
                case "page_view" when e.OccurredAt >= _now.AddDays(-7) && e.Properties[0].Value == PricingPath:
                    p.PricingViews7d++;
                    p.LastPricingView7d = Max(p.LastPricingView7d, e.OccurredAt);
                    break;
                case "demo_request":
                    p.LastDemoRequest = Max(p.LastDemoRequest, e.OccurredAt);
                    break;
                case "email_click":
                    p.LastEmailClick = Max(p.LastEmailClick, e.OccurredAt);
                    break;
            }
        }
    }

    private CustomerEvent RandomEvent(Profile p, DateTime at)
    {
        var type = EventTypes.Next(_rng);
        if (type is "email_open" or "email_click" && p.Customer.Email is null) type = "page_view";
        if (type == "demo_request" && !p.IsB2B && _rng.NextDouble() < 0.85)
            return NewEvent(p, "page_view", at, "web", ("path", "/demo"));
        switch (type)
        {
            case "product_view":
            {
                var product = ProductWeights.Next(_rng);
                return NewEvent(p, type, at, WebChannels.Next(_rng), ("sku", product.Sku), ("category", product.Category));
            }
            case "add_to_cart":
            {
                var product = ProductWeights.Next(_rng);
                var quantity = _rng.NextDouble() < 0.85 ? "1" : (2 + _rng.Next(2)).ToString(CultureInfo.InvariantCulture);
                return NewEvent(p, type, at, WebChannels.Next(_rng), ("sku", product.Sku), ("quantity", quantity));
            }
            case "search":
                return NewEvent(p, type, at, WebChannels.Next(_rng), ("query", SearchQueries.Next(_rng)));
            case "app_open":
                return NewEvent(p, type, at, "app", ("platform", AppPlatforms.Next(_rng)));
            case "email_open":
                return NewEvent(p, type, at, "email", ("campaign", Campaign(at)));
            case "email_click":
                return NewEvent(p, type, at, "email", ("campaign", Campaign(at)), ("url", _rng.NextDouble() < 0.3 ? PricingPath : "/products"));
            case "demo_request":
                return NewEvent(p, type, at, "web", ("path", "/demo"));
            default:
                return NewEvent(p, "page_view", at, WebChannels.Next(_rng), ("path", PagePaths.Next(_rng)));
        }
    }

    private CustomerEvent NewEvent(Profile p, string type, DateTime at, string channel, params (string Key, string Value)[] properties)
    {
        var e = new CustomerEvent
        {
            CustomerId = p.Customer.Id,
            Type = type,
            OccurredAt = at,
            Channel = channel,
            ReceivedAt = at.AddSeconds(_rng.Next(4)),
            PropertiesJson = Json(properties),
        };
        foreach (var (key, value) in properties) e.Properties.Add(new EventProperty { Key = key, Value = value });
        return e;
    }

    private static string Json((string Key, string Value)[] properties)
    {
        var sb = new StringBuilder("{");
        for (var i = 0; i < properties.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append('"').Append(JsonEncodedText.Encode(properties[i].Key, JsonEncoder).Value).Append("\":\"")
              .Append(JsonEncodedText.Encode(properties[i].Value, JsonEncoder).Value).Append('"');
        }
        return sb.Append('}').ToString();
    }

    private static string Campaign(DateTime at)
    {
        var local = at + ChinaOffset;
        return local switch
        {
            { Month: 11, Day: <= 11 } => string.Create(CultureInfo.InvariantCulture, $"double11_{local.Year}"),
            { Month: 6, Day: <= 18 } => string.Create(CultureInfo.InvariantCulture, $"mid_year_618_{local.Year}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"newsletter_{local.Year}_{local.Month:00}"),
        };
    }

    // ------------------------------------------------------------------ orders

    private void GenerateOrders()
    {
        var total = _options.Orders;
        if (total == 0 || _profiles.Count == 0) return;
        var buyers = _profiles.Where(p => p.IsBuyer).ToList();
        if (buyers.Count == 0) buyers.Add(_profiles[0]);
        if (buyers.Count > total) buyers.RemoveRange(total, buyers.Count - total);

        var orders = new List<Order>(total);
        foreach (var p in buyers) orders.Add(NewOrder(p));
        var pick = new Weighted<Profile>(buyers.Select(p => (p, p.OrderWeight)));
        while (orders.Count < total) orders.Add(NewOrder(pick.Next(_rng)));

        var order = new int[orders.Count];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            var c = orders[a].OrderedAt.CompareTo(orders[b].OrderedAt);
            return c != 0 ? c : a.CompareTo(b);
        });
        long id = 0, lineId = 0;
        foreach (var index in order)
        {
            var o = orders[index];
            o.Id = ++id;
            o.OrderNo = string.Create(CultureInfo.InvariantCulture, $"CS{o.OrderedAt + ChinaOffset:yyyyMMdd}{o.Id:D7}");
            _data.Orders.Add(o);
            foreach (var line in o.Lines)
            {
                line.Id = ++lineId;
                line.OrderId = o.Id;
                _data.OrderLines.Add(line);
            }
            var p = _profiles[(int)o.CustomerId - 1];
            p.LastOrder = Max(p.LastOrder, o.OrderedAt);
            if (o.Status != OrderStatus.Paid) continue;
            p.PaidOrders++;
            p.PaidTotal += o.Amount;
            if (p.PaidOrders == 1) p.FirstPaid = o.OrderedAt;
            if (p.PaidOrders == 2) p.SecondPaid = o.OrderedAt;
            p.LastPaid = o.OrderedAt;
        }
    }

    private Order NewOrder(Profile p)
    {
        var (at, promo) = OrderTime(p);
        var o = new Order
        {
            CustomerId = p.Customer.Id,
            OrderedAt = at,
            Currency = "CNY",
            Status = _rng.NextDouble() switch { < 0.925 => OrderStatus.Paid, < 0.965 => OrderStatus.Refunded, _ => OrderStatus.Cancelled },
            Channel = p.Customer.SourceChannel is { } source && source != "referral" && _rng.NextDouble() < 0.6
                ? source : OrderChannels.Next(_rng),
        };
        var lines = _rng.NextDouble() switch { < 0.6 => 1, < 0.85 => 2, < 0.95 => 3, _ => 4 };
        for (var i = 0; i < lines; i++)
        {
            var product = ProductWeights.Next(_rng);
            if (o.Lines.Any(l => l.Sku == product.Sku)) continue;
            var quantity = _rng.NextDouble() switch { < 0.8 => 1, < 0.95 => 2, _ => 3 };
            var price = promo ? decimal.Round(product.Price * 0.85m, 1) : product.Price;
            o.Lines.Add(new OrderLine { Sku = product.Sku, Name = product.Name, Quantity = quantity, UnitPrice = price });
            o.Amount += quantity * price;
        }
        return o;
    }

    private (DateTime At, bool Promo) OrderTime(Profile p)
    {
        var from = p.Customer.CreatedAt;
        var to = p.ActiveEnd;
        if (_rng.NextDouble() < 0.2)
        {
            // Shopping festivals: 618 (1–18 June) and Double 11 (1–11 November), China time.
            var windows = new List<(DateTime From, DateTime To)>();
            for (var year = _start.Year; year <= _now.Year; year++)
            {
                foreach (var (month, lastDay) in new[] { (6, 18), (11, 11) })
                {
                    var wFrom = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Utc) - ChinaOffset;
                    var wTo = new DateTime(year, month, lastDay, 23, 59, 59, DateTimeKind.Utc) - ChinaOffset;
                    if (wFrom < from) wFrom = from;
                    if (wTo > to) wTo = to;
                    if (wTo > wFrom) windows.Add((wFrom, wTo));
                }
            }
            if (windows.Count > 0)
            {
                var (wf, wt) = windows[_rng.Next(windows.Count)];
                return (RandomTime(wf, wt, recencyBias: false), true);
            }
        }
        return (RandomTime(from, to, recencyBias: false), false);
    }

    // ------------------------------------------------------------------ customers, continued

    private void FinishCustomers()
    {
        foreach (var p in _profiles)
        {
            var c = p.Customer;
            if (p.PaidOrders > 0)
            {
                c.LifecycleStage = p.Activity == Activity.Lapsed && p.LastPaid < _now.AddDays(-180) && _rng.NextDouble() < 0.35
                    ? LifecycleStage.Churned : LifecycleStage.Customer;
            }
            else if (p.LastDemoRequest is not null)
            {
                c.LifecycleStage = LifecycleStage.Sql;
            }
            else
            {
                var r = _rng.NextDouble();
                c.LifecycleStage = p.IsB2B
                    ? r switch { < 0.35 => LifecycleStage.Lead, < 0.65 => LifecycleStage.Mql, < 0.95 => LifecycleStage.Sql, _ => LifecycleStage.Churned }
                    : r switch { < 0.72 => LifecycleStage.Lead, < 0.89 => LifecycleStage.Mql, < 0.97 => LifecycleStage.Sql, _ => LifecycleStage.Churned };
            }
            var score = Math.Min(40, p.EventCount * 2) + p.PricingViews7d * 8 + (p.LastDemoRequest is null ? 0 : 25)
                        + (p.IsB2B ? 10 : 0) + (p.PaidOrders > 0 ? 10 : 0) + _rng.Next(10);
            c.LeadScore = Math.Clamp(score, 0, 100);
            c.EmailOptOut = c.Email is not null && _rng.NextDouble() < 0.05;
            c.SmsOptOut = _rng.NextDouble() < 0.04;
            c.UpdatedAt = Max(Max(c.CreatedAt, p.LastEvent), p.LastOrder) ?? c.CreatedAt;
        }
    }

    // ------------------------------------------------------------------ tags

    private void PlanAssignments()
    {
        var buyers = _profiles.Where(p => p.PaidOrders > 0)
            .OrderByDescending(p => p.PaidTotal).ThenBy(p => p.Customer.Id).ToArray();
        var spending = new Dictionary<long, string>();
        var vip = new HashSet<long>();
        for (var i = 0; i < buyers.Length; i++)
        {
            var share = (double)i / buyers.Length;
            spending[buyers[i].Customer.Id] = share < 0.2 ? "high" : share < 0.6 ? "medium" : "low";
            if (share < 0.02 && buyers[i].PaidOrders >= 3) vip.Add(buyers[i].Customer.Id);
        }

        var today = DateOnly.FromDateTime(_now);
        foreach (var p in _profiles)
        {
            var c = p.Customer;
            void Add(string tag, string? value, DateTime at, AssignmentSource source = AssignmentSource.Rule, DateTime? expires = null) =>
                _data.Assignments.Add(new PlannedAssignment(c.Id, tag, value, source, Min(at, _now), expires));

            if (c.BirthDate is { } birth)
            {
                var age = today.Year - birth.Year - (today < birth.AddYears(today.Year - birth.Year) ? 1 : 0);
                var group = age switch { < 25 => "age_18_24", < 35 => "age_25_34", < 45 => "age_35_44", < 55 => "age_45_54", _ => "age_55_plus" };
                Add(AgeGroup, group, c.CreatedAt);
            }
            if (p.PaidOrders > 0)
            {
                Add(Purchased, null, p.FirstPaid!.Value);
                Add(SpendingPower, spending[c.Id], _now);
            }
            if (p.PaidOrders >= 2) Add(RepeatBuyer, null, p.SecondPaid!.Value);
            if (vip.Contains(c.Id)) Add(Vip, null, p.LastPaid!.Value.AddDays(1), AssignmentSource.Manual);

            var demoRecent = p.LastDemoRequest >= _now.AddDays(-30);
            if (p.PricingViews7d >= 3 || demoRecent)
            {
                var at = Max(p.PricingViews7d >= 3 ? p.LastPricingView7d : null, demoRecent ? p.LastDemoRequest : null)!.Value;
                Add(HighIntent, null, at, expires: at.AddDays(14));
            }
            if (p.LastEmailClick >= _now.AddDays(-90)) Add(EmailEngaged, null, p.LastEmailClick!.Value);
            if (p.LastPaid < _now.AddDays(-180) && (p.LastEvent is null || p.LastEvent < _now.AddDays(-90)))
            {
                var at = p.LastPaid!.Value.AddDays(180);
                if (p.LastEvent?.AddDays(90) > at) at = p.LastEvent.Value.AddDays(90);
                Add(Dormant, null, at);
            }
        }
    }

    // ------------------------------------------------------------------ accounts and households

    /// <summary>
    /// Households in the education example (the student who uses the product, a parent who registered, often the other
    /// parent who decides; same city, the father sharing the student's surname) and B2B companies (a decision maker
    /// from the B2B customers and colleagues of the same industry, who take the company's name, size and e-mail domain).
    /// Runs last on its own random stream, so every customer, event, order and tag is what it was without accounts.
    /// </summary>
    private void GenerateAccounts()
    {
        var rng = new Random(unchecked(_options.Seed * 31 + 7));
        var used = new HashSet<long>();
        GenerateHouseholds(rng, used, _options.Customers / 50);
        GenerateCompanies(rng, used, _options.Customers / 80);
    }

    private void GenerateHouseholds(Random rng, HashSet<long> used, int target)
    {
        var today = DateOnly.FromDateTime(_now);
        int? Age(Customer c) => c.BirthDate is { } b ? today.Year - b.Year - (today < b.AddYears(today.Year - b.Year) ? 1 : 0) : null;
        var withCity = _data.Customers.Where(c => c.City is not null && c.Name is not null).ToList();
        var students = withCity.Where(c => Age(c) is >= 18 and <= 23).ToArray();
        var fathers = withCity.Where(c => c.Gender == Gender.Male && Age(c) is >= 40 and <= 56)
            .GroupBy(c => (c.City, c.Name![0])).ToDictionary(g => g.Key, g => g.ToList());
        var mothers = withCity.Where(c => c.Gender == Gender.Female && Age(c) is >= 38 and <= 55)
            .GroupBy(c => c.City).ToDictionary(g => g.Key!, g => g.ToList());
        Shuffle(rng, students);

        Customer? Pick(List<Customer>? pool)
        {
            if (pool is null) return null;
            for (var tries = 0; tries < 4; tries++)
            {
                var c = pool[rng.Next(pool.Count)];
                if (!used.Contains(c.Id)) return c;
            }
            return null;
        }

        var households = 0;
        foreach (var student in students)
        {
            if (households >= target) break;
            if (used.Contains(student.Id)) continue;
            var father = Pick(fathers.GetValueOrDefault((student.City, student.Name![0])));
            var mother = Pick(mothers.GetValueOrDefault(student.City!));
            if (father is null && mother is null) continue;
            // The parent who registered is more often the mother; the other parent, when there is one, decides.
            var motherRegistered = mother is not null && (father is null || rng.NextDouble() < 0.65);
            var members = new List<(Customer Customer, AccountRole Role)> { (student, AccountRole.User) };
            if (mother is not null) members.Add((mother, motherRegistered ? AccountRole.Registrant : AccountRole.DecisionMaker));
            if (father is not null && rng.NextDouble() < (mother is null ? 1 : 0.75))
                members.Add((father, motherRegistered ? AccountRole.DecisionMaker : AccountRole.Registrant));
            if (!members.Any(m => m.Role == AccountRole.Registrant)) continue;
            AddAccount(rng, used, new Account { Kind = AccountKind.Household, Name = student.Name + "家" }, members);
            households++;
        }
    }

    private void GenerateCompanies(Random rng, HashSet<long> used, int target)
    {
        var b2b = _profiles.Where(p => p.IsB2B && !used.Contains(p.Customer.Id)).Select(p => p.Customer).ToArray();
        Shuffle(rng, b2b);
        var byIndustry = b2b.GroupBy(c => c.Industry!).ToDictionary(g => g.Key, g => g.ToList());
        var names = new HashSet<string>(StringComparer.Ordinal);
        var companies = 0;
        foreach (var primary in b2b)
        {
            if (companies >= target) break;
            if (used.Contains(primary.Id) || !names.Add(primary.Company!)) continue;
            var members = new List<(Customer Customer, AccountRole Role)> { (primary, AccountRole.DecisionMaker) };
            var colleagues = rng.NextDouble() switch { < 0.25 => 1, < 0.55 => 2, < 0.80 => 3, < 0.92 => 4, _ => 5 };
            var pool = byIndustry[primary.Industry!];
            var domain = primary.Email is { } own ? own[own.IndexOf('@')..] : null;
            for (var tries = 0; members.Count <= colleagues && tries < colleagues * 4; tries++)
            {
                var c = pool[rng.Next(pool.Count)];
                if (used.Contains(c.Id) || c.Id == primary.Id || members.Any(m => m.Customer.Id == c.Id)) continue;
                var role = members.Count == 1 && rng.NextDouble() < 0.6 ? AccountRole.Registrant
                    : rng.NextDouble() < 0.6 ? AccountRole.User : AccountRole.Member;
                JoinCompany(rng, c, primary, ref domain);
                members.Add((c, role));
            }
            AddAccount(rng, used, new Account { Kind = AccountKind.Company, Name = primary.Company!, Industry = primary.Industry, Size = primary.CompanySize },
                members);
            companies++;
        }
    }

    /// <summary>
    /// A colleague takes the company's name and size, and the company's e-mail domain (the first member's who has an
    /// e-mail); a local part already taken there gets a digit, as <see cref="UniqueEmail"/> does.
    /// </summary>
    private void JoinCompany(Random rng, Customer colleague, Customer company, ref string? domain)
    {
        (colleague.Company, colleague.Industry, colleague.CompanySize) = (company.Company, company.Industry, company.CompanySize);
        if (colleague.Email is not { } email) return;
        var at = email.IndexOf('@');
        if (domain is null)
        {
            domain = email[at..];
            return;
        }
        var local = email[..at];
        var moved = local + domain;
        while (moved != email && !_emails.Add(moved))
        {
            local += rng.Next(10).ToString(CultureInfo.InvariantCulture);
            moved = local + domain;
        }
        if (moved == email) return;
        _emails.Remove(email);
        foreach (var identity in colleague.Identities.Where(i => i.Kind == IdentityKind.Email && i.Value == email)) identity.Value = moved;
        colleague.Email = moved;
    }

    /// <summary>The account appears once its last member is known, within two weeks; everyone joins then.</summary>
    private void AddAccount(Random rng, HashSet<long> used, Account account, List<(Customer Customer, AccountRole Role)> members)
    {
        var known = members.Max(m => m.Customer.CreatedAt);
        account.Id = _data.Accounts.Count + 1;
        account.CreatedAt = Min(Seconds(known + TimeSpan.FromHours(rng.Next(0, 24 * 14))), _now);
        foreach (var (customer, role) in members)
        {
            var member = new AccountMember { AccountId = account.Id, CustomerId = customer.Id, Role = role, JoinedAt = account.CreatedAt };
            account.Members.Add(member);
            _data.AccountMembers.Add(member);
            used.Add(customer.Id);
        }
        _data.Accounts.Add(account);
    }

    private static void Shuffle<T>(Random rng, T[] items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>A time in [from, to], shaped by the hour-of-day pattern of Chinese users.</summary>
    private DateTime RandomTime(DateTime from, DateTime to, bool recencyBias)
    {
        if (to <= from) return Seconds(from);
        var u = _rng.NextDouble();
        if (recencyBias) u = Math.Pow(u, 0.85);
        var t = from + (to - from) * u;
        var localDay = (t + ChinaOffset).Date;
        var candidate = localDay.AddHours(LocalHours.Next(_rng)).AddSeconds(_rng.Next(3600)) - ChinaOffset;
        if (candidate >= from && candidate <= to) t = candidate;
        return Seconds(t);
    }

    private double Gaussian()
    {
        var u1 = 1.0 - _rng.NextDouble();
        var u2 = _rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private void Shuffle<T>(T[] items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = _rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static DateTime Seconds(DateTime t) =>
        new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    private static DateTime? Max(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
