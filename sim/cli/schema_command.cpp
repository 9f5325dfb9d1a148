// SPDX-License-Identifier: MIT
#include "schema_command.hpp"

#include "tiersim/io/scenario_schema.hpp"

#include <iostream>

namespace tiersim::cli {

SchemaCommand::SchemaCommand(CLI::App& app) {
    schema_ = app.add_subcommand(
        "schema", "list every scenario key with its type, default, unit, range and meaning");
    auto* json = schema_->add_flag(
        "--json", json_, "print the table as a JSON array of key objects (for forms)");
    auto* markdown = schema_->add_flag(
        "--markdown",
        markdown_,
        "print the key reference blocks of scenarios/README.md (scripts/update-schema-docs)");
    json->excludes(markdown);
}

bool SchemaCommand::chosen() const {
    return schema_->parsed();
}

int SchemaCommand::run() const {
    if (json_)
        std::cout << io::schema::to_json() << '\n';
    else if (markdown_)
        std::cout << io::schema::to_markdown();
    else
        std::cout << io::schema::to_text();
    return 0;
}

}  // namespace tiersim::cli
