# Fails unless README.md quotes SOURCE verbatim in a ```cpp block, so the README's
# example is the program the tests compile and run.
file(READ "${README}" readme)
file(READ "${SOURCE}" source)
string(FIND "${readme}" "```cpp\n${source}```" at)
if(at EQUAL -1)
    message(FATAL_ERROR "${README} does not quote ${SOURCE} verbatim in a ```cpp block")
endif()
