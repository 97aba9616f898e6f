// news.tsv of one or more MIND splits, merged into one table with dense
// indices. Columns: id, category, subcategory, title, abstract, url,
// title_entities, abstract_entities (abstract and entities may be empty).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "unbert/data/interner.h"
#include "unbert/data/load_report.h"

namespace unbert {

class NewsTable {
 public:
  // Adds every news of `path` not already present (train/dev/test overlap).
  LoadReport load(const std::string& path, const LoadOptions& options);
  // Adds a news with only an id (used for ids that only appear in behaviors).
  uint32_t add_bare(std::string_view id);

  std::size_t size() const { return ids_.size(); }
  std::optional<uint32_t> find(std::string_view id) const { return ids_.find(id); }
  std::string_view id(uint32_t news) const { return ids_.at(news); }
  std::string_view title(uint32_t news) const { return titles_.at(news); }
  std::string_view abstract(uint32_t news) const { return abstracts_.at(news); }
  std::string_view category(uint32_t news) const { return labels_.at(category_[news]); }
  std::string_view subcategory(uint32_t news) const { return labels_.at(subcategory_[news]); }

 private:
  void add(std::string_view id, std::string_view category, std::string_view subcategory,
           std::string_view title, std::string_view abstract);

  Interner ids_;
  Interner labels_;  // categories and subcategories
  std::vector<uint32_t> category_, subcategory_;
  TextArena titles_, abstracts_;
};

}  // namespace unbert
