#include "unbert/data/synth.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <vector>

#include "unbert/common/error.h"
#include "unbert/common/fs.h"
#include "unbert/data/mind_time.h"

namespace unbert {
namespace {

struct Topic {
  const char* category;
  const char* subcategory;
  std::vector<std::pair<const char*, const char*>> nouns;  // singular, plural
  std::vector<const char*> verbs;                          // "<noun> <verb>"
};

const std::vector<Topic>& topics() {
  // Every noun of a topic holds its keyword ("movie"), so two titles on the
  // same topic share a word, as real headlines on one subject tend to.
  static const std::vector<Topic> kTopics = {
      {"movies",
       "movienews",
       {{"movie", "movies"},
        {"movie premiere", "movie premieres"},
        {"movie director", "movie directors"},
        {"movie festival", "movie festivals"}},
       {"breaks box office records", "gets a sequel", "opens to rave reviews", "divides critics",
        "starts filming"}},
      {"sports",
       "football_nfl",
       {{"football team", "football teams"},
        {"football coach", "football coaches"},
        {"football stadium", "football stadiums"},
        {"football star", "football stars"}},
       {"wins in overtime", "loses a close game", "signs a new deal", "makes the playoffs",
        "faces a tough season"}},
      {"sports",
       "basketball_nba",
       {{"basketball team", "basketball teams"},
        {"basketball arena", "basketball arenas"},
        {"basketball rookie", "basketball rookies"},
        {"basketball star", "basketball stars"}},
       {"scores forty points", "trades for a star", "wins the opener", "ends a losing streak",
        "draws a record crowd"}},
      {"weather",
       "weathertopstories",
       {{"storm", "storms"},
        {"winter storm", "winter storms"},
        {"storm warning", "storm warnings"},
        {"tropical storm", "tropical storms"}},
       {"brings power outages", "breaks temperature records", "closes schools",
        "moves toward the coast", "forces evacuations"}},
      {"foodanddrink",
       "restaurants",
       {{"restaurant", "restaurants"},
        {"restaurant chef", "restaurant chefs"},
        {"seafood restaurant", "seafood restaurants"},
        {"pizza restaurant", "pizza restaurants"}},
       {"earns a top award", "opens a second location", "shares a secret recipe",
        "closes after decades", "draws long lines"}},
      {"finance",
       "markets",
       {{"market", "markets"},
        {"stock market", "stock markets"},
        {"housing market", "housing markets"},
        {"job market", "job markets"}},
       {"beats expectations", "raises new worries", "cuts hundreds of jobs", "hits a record high",
        "worries investors"}},
      {"news",
       "newspolitics",
       {{"election", "elections"},
        {"mayor election", "mayor elections"},
        {"senate election", "senate elections"},
        {"election result", "election results"}},
       {"faces a recount", "brings a new plan", "ends in a tight vote", "draws protests",
        "changes a new law"}},
      {"travel",
       "traveltrends",
       {{"hotel", "hotels"},
        {"beach hotel", "beach hotels"},
        {"airport hotel", "airport hotels"},
        {"luxury hotel", "luxury hotels"}},
       {"tops travel rankings", "reopens for visitors", "adds new rooms", "sees record bookings",
        "gets a makeover"}},
      {"music",
       "musicnews",
       {{"concert", "concerts"},
        {"rock concert", "rock concerts"},
        {"concert tour", "concert tours"},
        {"concert hall", "concert halls"}},
       {"sells out in minutes", "announces new dates", "tops the charts", "surprises fans",
        "returns after ten years"}},
      {"lifestyle",
       "lifestylehomeandgarden",
       {{"garden", "gardens"},
        {"garden show", "garden shows"},
        {"community garden", "community gardens"},
        {"rooftop garden", "rooftop gardens"}},
       {"wins a design prize", "opens to the public", "turns one hundred", "needs volunteers",
        "goes viral online"}},
  };
  return kTopics;
}

const std::vector<const char*>& places() {
  static const std::vector<const char*> kPlaces = {
      "Florida", "Japan",  "Texas",   "California", "Paris",  "Chicago", "Ohio",
      "London",  "Mexico", "Seattle", "Boston",     "Canada", "Denver",  "Georgia"};
  return kPlaces;
}

const std::vector<const char*>& people() {
  static const std::vector<const char*> kPeople = {"Smith",    "Garcia", "Johnson", "Lee",
                                                   "Martinez", "Brown",  "Nguyen",  "Wilson"};
  return kPeople;
}

struct News {
  std::string id;
  int topic, place, day;
  std::string title, abstract;
};

struct User {
  std::string id;
  std::vector<std::pair<int, int>> interests;  // (topic, place)
  std::vector<int> history;                    // news indices, oldest first
  double activity;
};

class Generator {
 public:
  explicit Generator(const SynthOptions& o) : o_(o), rng_(o.seed) {}

  int uniform(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  double real() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(uniform(static_cast<int>(items.size())))];
  }

  std::string title(const Topic& t, const char* place) {
    auto [noun, plural] = pick(t.nouns);
    const char* verb = pick(t.verbs);
    std::string person = pick(people());
    std::string p = place, n = noun, s = plural;
    std::string cap = n;
    cap[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(cap[0])));
    switch (uniform(10)) {
      case 0:
        return p + " " + n + " " + verb;
      case 1:
        return "Why " + p + "'s " + n + " " + verb;
      case 2:
        return cap + " in " + p + " " + verb;
      case 3:
        return "The best " + s + " in " + p;
      case 4:
        return person + ": " + p + " " + n + " " + verb;
      case 5:
        return p + " " + n + ": what to know";
      case 6:
        return std::to_string(3 + uniform(8)) + " " + s + " to watch in " + p;
      case 7:
        return "Report: " + p + " " + n + " " + verb;
      case 8:
        return p + "'s " + n + " " + verb;
      default:
        return "Is this " + p + "'s biggest " + n + "?";
    }
  }

  News make_news(int day) {
    News n;
    n.id = "N" + std::to_string(next_news_++);
    n.topic = uniform(static_cast<int>(topics().size()));
    n.place = uniform(static_cast<int>(places().size()));
    n.day = day;
    const Topic& t = topics()[static_cast<std::size_t>(n.topic)];
    n.title = title(t, places()[static_cast<std::size_t>(n.place)]);
    n.abstract = std::string("The latest ") + t.nouns[0].first + " news from " +
                 places()[static_cast<std::size_t>(n.place)] + ".";
    return n;
  }

  bool likes(const User& u, const News& n) const {
    for (auto [topic, place] : u.interests)
      if (topic == n.topic && place == n.place) return true;
    return false;
  }

  const SynthOptions& o_;
  std::mt19937_64 rng_;
  int64_t next_news_ = 10000;
};

std::string format_time(int day, int seconds) {
  // Day 0 is 11/8/2019; the real MIND train split starts on 11/9/2019.
  int64_t base = *parse_mind_time("11/8/2019 12:00:00 AM");
  return format_mind_time(base + int64_t{day} * 86400 + seconds);
}

struct SplitWriter {
  std::ofstream behaviors;
  std::set<int> news;  // news the split mentions
  int64_t impressions = 0;
};

void write_news(const std::string& path, const std::vector<News>& all, const std::set<int>& used) {
  std::ofstream out(path);
  for (int i : used) {
    const News& n = all[static_cast<std::size_t>(i)];
    const Topic& t = topics()[static_cast<std::size_t>(n.topic)];
    out << n.id << '\t' << t.category << '\t' << t.subcategory << '\t' << n.title << '\t'
        << n.abstract << "\thttps://example.invalid/" << n.id << "\t[]\t[]\n";
  }
  check_written(out, path);
}

}  // namespace

SynthSummary write_synthetic_mind(const std::string& out, const SynthOptions& o) {
  namespace fs = std::filesystem;
  if (o.users < 1 || o.news_per_day < 10 || o.days < 3 || o.candidates < 2 || o.interests < 1 ||
      o.history_focus < 0 || o.history_focus > 1)
    throw UsageError(
        "synth: needs --users >= 1, --news >= 10, --days >= 3, --candidates >= 2, "
        "--interests >= 1 and --history-focus in [0, 1]");
  for (const char* split : {"train", "dev", "test"})
    for (const char* file : {"news.tsv", "behaviors.tsv"})
      if (fs::exists(fs::path(out) / split / file))
        throw UsageError("synth: " + (fs::path(out) / split / file).string() +
                         " exists already; choose another --out (nothing was overwritten)");
  Generator g(o);
  std::vector<News> all;
  std::vector<std::vector<int>> by_day(static_cast<std::size_t>(o.days) + 1);
  for (int day = 0; day <= o.days; ++day) {
    int64_t count = day == 0 ? 3 * o.news_per_day : o.news_per_day;  // day 0: the past
    for (int64_t i = 0; i < count; ++i) {
      by_day[static_cast<std::size_t>(day)].push_back(static_cast<int>(all.size()));
      all.push_back(g.make_news(day));
    }
  }
  std::vector<User> users(static_cast<std::size_t>(o.users));
  for (std::size_t u = 0; u < users.size(); ++u) {
    User& user = users[u];
    user.id = "U" + std::to_string(u + 1);
    int interests = 1 + g.uniform(static_cast<int>(o.interests));
    for (int k = 0; k < interests; ++k)
      user.interests.emplace_back(g.uniform(static_cast<int>(topics().size())),
                                  g.uniform(static_cast<int>(places().size())));
    user.activity = 0.5 + g.real();
    std::vector<int> liked, other;
    for (int n : by_day[0])
      (g.likes(user, all[static_cast<std::size_t>(n)]) ? liked : other).push_back(n);
    int length = g.uniform(25);
    std::set<int> seen;  // a news is clicked once
    for (int k = 0; k < length; ++k) {
      int n = !liked.empty() && g.real() < o.history_focus ? g.pick(liked) : g.pick(other);
      if (seen.insert(n).second) user.history.push_back(n);
    }
  }

  std::array<SplitWriter, 3> splits;
  const char* names[] = {"train", "dev", "test"};
  for (int s = 0; s < 3; ++s) {
    fs::create_directories(fs::path(out) / names[s]);
    splits[static_cast<std::size_t>(s)].behaviors.open(
        (fs::path(out) / names[s] / "behaviors.tsv").string());
  }
  for (int day = 1; day <= o.days; ++day) {
    int s = day == o.days ? 2 : day == o.days - 1 ? 1 : 0;
    SplitWriter& w = splits[static_cast<std::size_t>(s)];
    // Candidates come from today's and yesterday's news: mostly unseen before.
    std::vector<int> pool = by_day[static_cast<std::size_t>(day)];
    pool.insert(pool.end(), by_day[static_cast<std::size_t>(day - 1)].begin(),
                by_day[static_cast<std::size_t>(day - 1)].end());
    for (const User& user : users) {
      int sessions = static_cast<int>(o.impressions_per_user_day * user.activity + g.real());
      for (int k = 0; k < sessions; ++k) {
        std::vector<int> liked, hard, rest;
        for (int n : pool) {
          const News& news = all[static_cast<std::size_t>(n)];
          if (g.likes(user, news)) {
            liked.push_back(n);
            continue;
          }
          bool near = false;  // same topic or same place as an interest: a hard negative
          for (auto [topic, place] : user.interests)
            near = near || topic == news.topic || place == news.place;
          (near ? hard : rest).push_back(n);
        }
        if (liked.empty()) continue;
        int size = std::max<int>(
            2, static_cast<int>(o.candidates / 2 + g.uniform(static_cast<int>(o.candidates))));
        std::vector<std::pair<int, int>> shown;  // news, label; each news shown once
        std::set<int> in_impression;
        auto show = [&](int n, int label) {
          if (in_impression.insert(n).second) shown.emplace_back(n, label);
        };
        int clicks = 1 + (g.real() < 0.35 ? 1 : 0);
        for (int c = 0; c < clicks; ++c) show(g.pick(liked), 1);
        size = std::min<int>(size, static_cast<int>(pool.size()));
        for (int attempt = 0; static_cast<int>(shown.size()) < size && attempt < 20 * size;
             ++attempt) {
          bool take_hard = !hard.empty() && g.real() < 0.5;
          int n = take_hard ? g.pick(hard) : g.pick(rest.empty() ? hard : rest);
          show(n, g.real() < 0.02 ? 1 : 0);  // an occasional click by chance
        }
        std::shuffle(shown.begin(), shown.end(), g.rng_);
        std::string history, candidates;
        for (int h : user.history) {
          history += (history.empty() ? "" : " ") + all[static_cast<std::size_t>(h)].id;
          w.news.insert(h);
        }
        for (auto [n, label] : shown) {
          candidates += (candidates.empty() ? "" : " ") + all[static_cast<std::size_t>(n)].id;
          if (s != 2) candidates += label ? "-1" : "-0";
          w.news.insert(n);
        }
        w.behaviors << ++w.impressions << '\t' << user.id << '\t'
                    << format_time(day, g.uniform(86400)) << '\t' << history << '\t' << candidates
                    << '\n';
      }
    }
  }
  SynthSummary summary;
  summary.news = static_cast<int64_t>(all.size());
  for (int s = 0; s < 3; ++s) {
    splits[static_cast<std::size_t>(s)].behaviors.close();
    write_news((fs::path(out) / names[s] / "news.tsv").string(), all,
               splits[static_cast<std::size_t>(s)].news);
  }
  summary.train_impressions = splits[0].impressions;
  summary.dev_impressions = splits[1].impressions;
  summary.test_impressions = splits[2].impressions;
  return summary;
}

}  // namespace unbert
