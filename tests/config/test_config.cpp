#include <limits>

#include <gtest/gtest.h>

#include "test_util.h"
#include "unbert/common/error.h"
#include "unbert/config/config_io.h"

namespace unbert {
namespace {

using test::TempDir;

std::string error_of(const std::string& json_text, const std::vector<std::string>& sets = {}) {
  TempDir dir;
  try {
    load_config(dir.write("c.json", json_text), sets);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, DefaultsFollowThePaper) {
  RunConfig c;
  EXPECT_EQ(c.train.neg_ratio, 4);
  EXPECT_DOUBLE_EQ(c.train.lr, 2e-5);
  EXPECT_EQ(c.train.batch_size, 128);
  EXPECT_EQ(c.train.epochs, 2);
  EXPECT_FALSE(c.model.use_position_embeddings);
  EXPECT_EQ(c.model.aggregator, AggregatorKind::Attention);
  EXPECT_EQ(c.model.level, MatchLevel::Both);
  EXPECT_EQ(c.text.max_seq_len, 300);
}

TEST(Config, UnknownKeyNamesNearestValidKey) {
  EXPECT_EQ(error_of(R"({"train": {"lrr": 1e-4}})"),
            "config key 'train.lrr': unknown key; did you mean 'train.lr'?");
  EXPECT_EQ(error_of(R"({"modle": {}})"), "config key 'modle': unknown key; did you mean 'model'?");
}

TEST(Config, WrongTypeNamesKeyAndExpectation) {
  EXPECT_EQ(error_of(R"({"train": {"batch_size": "big"}})"),
            "config key 'train.batch_size': expected an integer, got a string (\"big\")");
  EXPECT_EQ(error_of(R"({"model": {"aggregator": "max"}})"),
            "config key 'model.aggregator': expected one of nseg, mean, attention, got a string "
            "(\"max\")");
  EXPECT_EQ(error_of(R"({"text": {"lowercase": 1}})"),
            "config key 'text.lowercase': expected true or false, got an integer (1)");
  EXPECT_EQ(error_of(R"({"train": {"batch_size": 2.5}})"),
            "config key 'train.batch_size': expected an integer, got a number (2.5)");
}

TEST(Config, OutOfRangeValuesAreRejected) {
  EXPECT_EQ(error_of(R"({"train": {"batch_size": 0}})"),
            "config key 'train.batch_size': must be >= 1, got 0");
  EXPECT_EQ(error_of(R"({"train": {"batch_size": 16, "micro_batch": 64}})"),
            "config key 'train.micro_batch': must be <= train.batch_size (16): it splits each "
            "batch into forward passes, got 64");
  EXPECT_EQ(error_of(R"({"train": {"batch_size": 4611686018427387904}})"),
            "config key 'train.batch_size': must be <= 16777216, got 4611686018427387904");
  EXPECT_EQ(error_of(R"({"model": {"dropout": 1.5}})"),
            "config key 'model.dropout': must be in [0, 1), got 1.5");
  EXPECT_NE(error_of(R"({"model": {"hidden_size": 100, "num_heads": 3}})").find("must divide"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"device": "gpu"})").find("expected auto, cpu, cuda or cuda:N"),
            std::string::npos);
}

TEST(Config, SyntaxErrorNamesFileLineAndColumn) {
  std::string e = error_of("{\n  \"train\": {\n    \"lr\": ,\n  }\n}\n");
  EXPECT_NE(e.find("c.json:3:"), std::string::npos) << e;
  EXPECT_NE(e.find("invalid JSON"), std::string::npos) << e;
}

// 1e400 was "expected a number, got a string" from --set and had no line in a file.
TEST(Config, NumbersPastDoublesRangeAreShownAsWrittenWithTheirLine) {
  std::string e = error_of("{\n  \"train\": {\n    \"lr\": -2e999\n  }\n}\n");
  EXPECT_NE(e.find("c.json:3: -2e999 is past the range of a number"), std::string::npos) << e;
  e = error_of("{}", {"model.dropout=1e400"});
  EXPECT_EQ(e,
            "--set model.dropout=1e400: 1e400 is past the range of a number (at most about "
            "1.8e308); retype it");
}

TEST(Config, DuplicateKeyIsAnErrorNamingItsLine) {
  std::string e = error_of("{\n  \"train\": {\"lr\": 1e-4},\n  \"train\": {\"epochs\": 3}\n}\n");
  EXPECT_NE(e.find("c.json:3: duplicate key 'train' (JSON would keep only the last one)"),
            std::string::npos)
      << e;
  e = error_of(R"({"train": {"lr": 1e-4, "epochs": 1, "lr": 3e-5}})");
  EXPECT_NE(e.find("duplicate key 'train.lr'"), std::string::npos) << e;
  // The same key in two different objects is fine.
  EXPECT_EQ(error_of(R"({"model": {"news_level": {"layers": 2}, "dropout": 0.1},
                        "eval": {"precision": "fp32"}, "train": {"precision": "fp32"}})"),
            "");
}

TEST(Config, SetOverridesFileAndParsesValues) {
  TempDir dir;
  std::string path = dir.write("paper.json", R"({"train": {"lr": 1e-4}})");
  RunConfig c = load_config(path, {"train.lr=3e-5", "model.aggregator=mean", "text.lowercase=false",
                                   "data.train_dir=/x/y", "model.news_level.layers=2"});
  EXPECT_DOUBLE_EQ(c.train.lr, 3e-5);
  EXPECT_EQ(c.model.aggregator, AggregatorKind::Mean);
  EXPECT_FALSE(c.text.lowercase);
  EXPECT_EQ(c.data.train_dir, "/x/y");
  EXPECT_EQ(c.model.news_level.layers, 2);
  EXPECT_EQ(c.name, "paper");  // from the file name
}

TEST(Config, SetWithUnknownKeyOrNoValueFails) {
  EXPECT_NE(error_of("{}", {"train.lrate=1"}).find("did you mean 'train.lr'"), std::string::npos);
  EXPECT_NE(error_of("{}", {"train.lr"}).find("expected key=value"), std::string::npos);
}

TEST(Config, JsonRoundTripKeepsEveryValue) {
  RunConfig c;
  c.train.lr = 1e-3;
  c.model.level = MatchLevel::Word;
  c.text.nsep_token = "[NSEP]";
  RunConfig back = config_from_json(config_to_json(c));
  EXPECT_EQ(config_to_json(back), config_to_json(c));
}

TEST(Config, ShippedConfigsLoad) {
  for (const char* name : {"small", "large"}) {
    RunConfig c = load_config(std::string(UNBERT_SOURCE_DIR) + "/configs/" + name + ".json", {});
    EXPECT_EQ(c.name, name);
    EXPECT_EQ(c.train.batch_size, 128);
  }
}

TEST(Config, KeyTableListsLeavesWithDefaults) {
  auto keys = config_keys();
  bool found = false;
  for (const auto& k : keys)
    if (k.key == "model.news_level.layers") {
      found = true;
      EXPECT_EQ(k.default_value, "12");
    }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace unbert

namespace unbert {
namespace {

// Found by fuzzing: these escaped as nlohmann exceptions instead of one
// clear line (a --set with invalid UTF-8 failed later, when the config was
// written; a number past double's range in a file or --set).
TEST(Config, FuzzFindingsAreClearErrors) {
  const std::string bad_utf8 = "text.max_history=[\xff!2]";
  EXPECT_NE(test::error_of([&] {
              load_config(std::nullopt, {bad_utf8});
            }).find("--set: byte 19 of the assignment is not valid UTF-8"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] {
              load_config(std::nullopt, {"train.lr=[1e999]"});
            }).find("--set train.lr=[1e999]: 1e999 is past the range of a number"),
            std::string::npos);
  test::TempDir dir;
  EXPECT_NE(test::error_of([&] {
              load_config(dir.write("big.json", "{\"train\": {\"lr\": 1e999}}"), {});
            }).find("big.json:1: 1e999 is past the range of a number"),
            std::string::npos);
}

}  // namespace
}  // namespace unbert

namespace unbert {
namespace {

// Integers past int64's range were reported wrapped (18446744073709551615 as
// -1: "must be >= 1") or with the wrong reason (99999999999999999999, past
// uint64, as "expected an integer, got a number (1e+20)").
TEST(Config, IntegersPastTheRangeAreShownAsWrittenAndCalledTooLarge) {
  for (const std::string number : {"9223372036854775808", "18446744073709551615",
                                   "99999999999999999999", "-99999999999999999999"}) {
    const std::string error =
        test::error_of([&] { load_config(std::nullopt, {"model.hidden_size=" + number}); });
    EXPECT_NE(
        error.find("config key 'model.hidden_size': " + number + " is too large for an integer"),
        std::string::npos)
        << error;
    test::TempDir dir;
    const std::string file = test::error_of([&] {
      load_config(
          dir.write("big.json", "{\"name\": \"x\",\n \"train\": {\"batch_size\": " + number + "}}"),
          {});
    });
    EXPECT_NE(file.find("big.json:2: config key 'train.batch_size': " + number + " is too large"),
              std::string::npos)
        << file;
  }
  EXPECT_NE(test::error_of([] {
              load_config(std::nullopt, {"train.seed=1e30"});
            }).find("config key 'train.seed': 1e+30 is too large for an integer"),
            std::string::npos);
  // A double key takes a long integer literal as the number it is.
  EXPECT_NE(test::error_of([] {
              load_config(std::nullopt, {"train.lr=99999999999999999999"});
            }).find("config key 'train.lr': must be in (0, 10]"),
            std::string::npos);
  EXPECT_EQ(load_config(std::nullopt, {"train.seed=9223372036854775807"}).train.seed,
            std::numeric_limits<int64_t>::max());
}

// train.lr=1e38 reached LibTorch, which stopped with "value cannot be
// converted to type float without overflow", naming no key.
TEST(Config, LearningRateBeyondTenIsAConfigError) {
  EXPECT_NE(test::error_of([] {
              load_config(std::nullopt, {"train.lr=1e38"});
            }).find("config key 'train.lr': must be in (0, 10]"),
            std::string::npos);
  EXPECT_NO_THROW(load_config(std::nullopt, {"train.lr=1e-3"}));
}

// Sizes past any machine once passed validation and failed inside LibTorch's
// allocator, naming no key.
TEST(Config, SizesNoMachineCanHoldAreConfigErrors) {
  EXPECT_NE(test::error_of([] {
              load_config(std::nullopt, {"model.hidden_size=4294967296"});
            }).find("config key 'model.hidden_size': must be <= 65536, got 4294967296"),
            std::string::npos);
  EXPECT_NE(test::error_of([] {
              load_config(std::nullopt, {"model.num_layers=5000"});
            }).find("config key 'model.num_layers': must be <= 1024"),
            std::string::npos);
  const std::string huge = test::error_of([] {
    load_config(std::nullopt,
                {"model.hidden_size=60000", "model.num_heads=12", "model.num_layers=1000"});
  });
  EXPECT_NE(huge.find("config key 'model.hidden_size / model.intermediate_size / "
                      "model.num_layers': a model of these sizes needs "),
            std::string::npos)
      << huge;
  EXPECT_NE(huge.find("GB for its weights alone, more than this machine's"), std::string::npos)
      << huge;
  EXPECT_NO_THROW(
      load_config(std::nullopt, {"model.hidden_size=1024", "model.num_heads=16",
                                 "model.num_layers=24", "model.intermediate_size=4096"}));
}

}  // namespace
}  // namespace unbert
