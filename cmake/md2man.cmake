# SPDX-License-Identifier: Apache-2.0
# Turns one page of docs/ (Markdown) into a man page, at build time:
#   cmake -DLOWDOWN=... -DMD=docs/vigild.md -DMAN=vigild.8 -DNAME=vigild -DSECTION=8
#         -DSUMMARY="..." -DVERSION=0.1.0 -P md2man.cmake
# The docs are the single source: this only adds what a man page needs and
# Markdown lacks (NAME for whatis/apropos, SEE ALSO), lifts "## " sections to
# .SH, and drops link targets that mean nothing in a terminal.
cmake_minimum_required(VERSION 3.25)
foreach(var LOWDOWN MD MAN NAME SECTION SUMMARY VERSION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "md2man.cmake: ${var} is not set")
  endif()
endforeach()

file(READ "${MD}" text)
# The page's own "# title" line becomes NAME; what follows it is the DESCRIPTION.
if(text MATCHES "^# ")
  string(FIND "${text}" "\n" eol)
  math(EXPR eol "${eol} + 1")
  string(SUBSTRING "${text}" ${eol} -1 text)
endif()

# Outside fenced code blocks only: one heading level up ("## X" -> .SH X,
# "### X" -> .SS X), and [text](target) -> text (relative links point into
# the source tree).
function(md2man_prose chunk out)
  string(REGEX REPLACE "\n## " "\n# " chunk "${chunk}")
  string(REGEX REPLACE "\n### " "\n## " chunk "${chunk}")
  string(REGEX REPLACE "\\[([^]\n]*)\\]\\([^)\n]*\\)" "\\1" chunk "${chunk}")
  set(${out} "${chunk}" PARENT_SCOPE)
endfunction()
set(done "")
set(in_fence FALSE)
while(TRUE)
  string(FIND "${text}" "```" at)
  if(at EQUAL -1)
    set(chunk "${text}")
  else()
    string(SUBSTRING "${text}" 0 ${at} chunk)
  endif()
  if(NOT in_fence)
    md2man_prose("${chunk}" chunk)
  endif()
  string(APPEND done "${chunk}")
  if(at EQUAL -1)
    break()
  endif()
  string(APPEND done "```")
  math(EXPR at "${at} + 3")
  string(SUBSTRING "${text}" ${at} -1 text)
  if(in_fence)
    set(in_fence FALSE)
  else()
    set(in_fence TRUE)
  endif()
endwhile()
set(text "${done}")

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
# In a table cell Markdown writes a literal | as \|; lowdown keeps the
# backslash (troff \e), which would show `exit 1 \|\| exit 0` in the page.
file(READ "${MAN}" roff)
string(REPLACE "\\e|" "|" roff "${roff}")
file(WRITE "${MAN}" "${roff}")
