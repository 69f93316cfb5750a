# Turns one page of docs/ (Markdown) into a man page, at build time:
#   cmake -DLOWDOWN=... -DMD=docs/vigild.md -DMAN=vigild.8 -DNAME=vigild -DSECTION=8
#         -DSUMMARY="..." -DVERSION=0.1.0 -P md2man.cmake
# The docs are the single source: this only adds what a man page needs and
# Markdown lacks (NAME for whatis/apropos, SEE ALSO), lifts "## " sections to
# .SH, and drops link targets that mean nothing in a terminal.
foreach(var LOWDOWN MD MAN NAME SECTION SUMMARY VERSION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "md2man.cmake: ${var} is not set")
  endif()
endforeach()

file(READ "${MD}" text)
# The page's own "# title" becomes NAME; what follows it is the DESCRIPTION.
string(REGEX REPLACE "^# [^\n]*\n" "" text "${text}")
# One heading level up: "## X" -> .SH X, "### X" -> .SS X.
string(REGEX REPLACE "\n## " "\n# " text "${text}")
string(REGEX REPLACE "\n### " "\n## " text "${text}")
# [text](target) -> text: relative links point into the source tree.
string(REGEX REPLACE "\\[([^]\n]*)\\]\\([^)\n]*\\)" "\\1" text "${text}")

set(see_also "vigild(8), vigilctl(8), vigil.conf(5), keepalived(8)")
string(REPLACE "${NAME}(${SECTION}), " "" see_also "${see_also}")
set(page "# NAME\n\n${NAME} \\- ${SUMMARY}\n\n# DESCRIPTION\n${text}\n# SEE ALSO\n\n${see_also}\n\nThe full documentation is in /usr/share/doc/vigil and at the project's docs/ directory.\n")

# SOURCE_DATE_EPOCH (set by dpkg-buildpackage and rpmbuild) keeps the date reproducible.
string(TIMESTAMP date "%Y-%m-%d" UTC)
set(tmp "${MAN}.md")
file(WRITE "${tmp}" "${page}")
execute_process(
  COMMAND "${LOWDOWN}" -s -Tman
          -M "title=${NAME}" -M "section=${SECTION}" -M "date=${date}"
          -M "source=vigil ${VERSION}" -M "volume=vigil"
          -o "${MAN}" "${tmp}"
  RESULT_VARIABLE rc)
file(REMOVE "${tmp}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "md2man.cmake: lowdown failed on ${MD}")
endif()
