// Enumerations that appear in the config, with their spelling in JSON.
#pragma once

#include <array>
#include <string>
#include <utility>

namespace unbert {

template <class E, std::size_t N>
using EnumTable = std::array<std::pair<E, const char*>, N>;

enum class OnError { Fail, Skip };  // malformed input line: stop, or skip and count
inline constexpr EnumTable<OnError, 2> enum_table(OnError) {
  return {{{OnError::Fail, "fail"}, {OnError::Skip, "skip"}}};
}

enum class UnknownNews { Skip, Error };  // a news id missing from news.tsv
inline constexpr EnumTable<UnknownNews, 2> enum_table(UnknownNews) {
  return {{{UnknownNews::Skip, "skip"}, {UnknownNews::Error, "error"}}};
}

enum class TokenizerKind { WordPiece, SentencePiece };
inline constexpr EnumTable<TokenizerKind, 2> enum_table(TokenizerKind) {
  return {
      {{TokenizerKind::WordPiece, "wordpiece"}, {TokenizerKind::SentencePiece, "sentencepiece"}}};
}

enum class AggregatorKind { Nseg, Mean, Attention };  // paper Table 4
inline constexpr EnumTable<AggregatorKind, 3> enum_table(AggregatorKind) {
  return {{{AggregatorKind::Nseg, "nseg"},
           {AggregatorKind::Mean, "mean"},
           {AggregatorKind::Attention, "attention"}}};
}

enum class MatchLevel { Word, News, Both };  // paper Table 3
inline constexpr EnumTable<MatchLevel, 3> enum_table(MatchLevel) {
  return {{{MatchLevel::Word, "word"}, {MatchLevel::News, "news"}, {MatchLevel::Both, "both"}}};
}

enum class NewsLevelInit { Random, CopyWordLevel };
inline constexpr EnumTable<NewsLevelInit, 2> enum_table(NewsLevelInit) {
  return {{{NewsLevelInit::Random, "random"}, {NewsLevelInit::CopyWordLevel, "copy_word_level"}}};
}

// Random initialisation: BERT's, or BERT's with every attention layer's key
// weights starting equal to its query weights (scaled up), so that attention
// begins by matching identical tokens: models trained from scratch then learn
// user-news matching in far fewer steps.
enum class RandomInit { Bert, Matching };
inline constexpr EnumTable<RandomInit, 2> enum_table(RandomInit) {
  return {{{RandomInit::Bert, "bert"}, {RandomInit::Matching, "matching"}}};
}

enum class LossKind { Pointwise, Listwise };
inline constexpr EnumTable<LossKind, 2> enum_table(LossKind) {
  return {{{LossKind::Pointwise, "pointwise"}, {LossKind::Listwise, "listwise"}}};
}

enum class OptimizerKind { Adam, AdamW };
inline constexpr EnumTable<OptimizerKind, 2> enum_table(OptimizerKind) {
  return {{{OptimizerKind::Adam, "adam"}, {OptimizerKind::AdamW, "adamw"}}};
}

// Mixed precision through autocast; auto picks bf16 where the hardware does
// bf16 matrix products natively (model/precision.h).
enum class Precision { Fp32, Bf16, Fp16, Int8, Auto };
inline constexpr EnumTable<Precision, 5> enum_table(Precision) {
  return {{{Precision::Fp32, "fp32"},
           {Precision::Bf16, "bf16"},
           {Precision::Fp16, "fp16"},
           {Precision::Int8, "int8"},
           {Precision::Auto, "auto"}}};
}

template <class E>
const char* enum_name(E value) {
  for (const auto& [v, name] : enum_table(E{}))
    if (v == value) return name;
  return "?";
}

template <class E>
std::string enum_choices() {
  std::string out;
  for (const auto& entry : enum_table(E{}))
    out += (out.empty() ? "" : ", ") + std::string(entry.second);
  return out;
}

}  // namespace unbert
