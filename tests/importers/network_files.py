"""Network files as the tools write them, built from each format's published description.

Each holds the same small neighbourhood where the format allows it: four people, of whom Noor
has no ties at all (an isolated node the import must not drop), and the ties Fatima–Jan
(strength 2), Jan–Kees (strength 1) and Fatima–Kees.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

PEOPLE = {"fatima", "jan", "kees", "noor"}
TIES = {frozenset(("fatima", "jan")), frozenset(("jan", "kees")), frozenset(("fatima", "kees"))}

#: Gephi 0.10's GraphML export: keys by attr.name, ``label`` beside a ``name`` column, drawing
#: (r, g, b, x, y, size), a statistic (Modularity Class), directed, weights, Edge Id/Label.
GEPHI_GRAPHML = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key attr.name="label" attr.type="string" for="node" id="label"/>
<key attr.name="Edge Label" attr.type="string" for="edge" id="edgelabel"/>
<key attr.name="weight" attr.type="double" for="edge" id="weight"/>
<key attr.name="Edge Id" attr.type="string" for="edge" id="edgeid"/>
<key attr.name="name" attr.type="string" for="node" id="name"/>
<key attr.name="leeftijd" attr.type="string" for="node" id="leeftijd"/>
<key attr.name="Modularity Class" attr.type="int" for="node" id="modularity_class"/>
<key attr.name="r" attr.type="int" for="node" id="r"/>
<key attr.name="g" attr.type="int" for="node" id="g"/>
<key attr.name="b" attr.type="int" for="node" id="b"/>
<key attr.name="x" attr.type="float" for="node" id="x"/>
<key attr.name="y" attr.type="float" for="node" id="y"/>
<key attr.name="size" attr.type="float" for="node" id="size"/>
<graph edgedefault="directed">
<node id="fatima"><data key="label">Fatima</data><data key="name">Fatima</data>
<data key="leeftijd">27-44</data><data key="modularity_class">0</data><data key="r">153</data>
<data key="g">0</data><data key="b">255</data><data key="x">-12.5</data><data key="y">40.1</data>
<data key="size">10.0</data></node>
<node id="jan"><data key="label">Jan</data><data key="name">Jan</data>
<data key="leeftijd">67-79</data><data key="modularity_class">0</data></node>
<node id="kees"><data key="label">Kees</data><data key="name">Kees</data>
<data key="leeftijd"></data><data key="modularity_class">1</data></node>
<node id="noor"><data key="label">Noor</data><data key="name">Noor</data>
<data key="modularity_class">2</data></node>
<edge id="0" source="fatima" target="jan"><data key="weight">2.0</data>
<data key="edgeid">0</data><data key="edgelabel">buren</data></edge>
<edge id="1" source="jan" target="fatima"><data key="weight">2.0</data></edge>
<edge id="2" source="jan" target="kees"><data key="weight">1.0</data></edge>
<edge id="3" source="kees" target="fatima"><data key="weight">1.0</data></edge>
</graph>
</graphml>
"""

#: Gephi 0.10's GEXF 1.3: the label on the node, attributes by id with a title, viz drawing.
GEPHI_GEXF = """<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" version="1.3" xmlns:viz="http://gexf.net/1.3/viz">
  <meta lastmodifieddate="2025-03-14"><creator>Gephi 0.10.1</creator></meta>
  <graph defaultedgetype="undirected" mode="static">
    <attributes class="node" mode="static">
      <attribute id="leeftijd" title="leeftijd" type="string"></attribute>
      <attribute id="degree" title="Degree" type="integer"></attribute>
    </attributes>
    <nodes>
      <node id="fatima" label="Fatima">
        <attvalues><attvalue for="leeftijd" value="27-44"></attvalue>
        <attvalue for="degree" value="2"></attvalue></attvalues>
        <viz:size value="10.0"></viz:size>
        <viz:position x="-12.5" y="40.1" z="0.0"></viz:position>
        <viz:color r="153" g="0" b="255"></viz:color>
      </node>
      <node id="jan" label="Jan"><attvalues><attvalue for="leeftijd" value="67-79"/></attvalues>
      </node>
      <node id="kees" label="Kees"/>
      <node id="noor" label="Noor"><viz:size value="4.0"/></node>
    </nodes>
    <edges>
      <edge id="0" source="fatima" target="jan" weight="2.0"/>
      <edge id="1" source="jan" target="kees" weight="1.0"/>
      <edge id="2" source="kees" target="fatima" weight="1.0"/>
    </edges>
  </graph>
</gexf>
"""

#: A networkx edge list with attributes, as written by hand and by write_edgelist: a byte
#: order mark, a comment, a person without ties on a line of their own, a repeated tie and
#: the same tie the other way round.
EDGE_LIST = (
    "\ufeff# buurtnetwerk\n"
    "fatima jan {'strength': 2, 'kind': 'neighbour'}\n"
    "jan kees {'strength': 1}\n"
    "kees fatima {}\n"
    "jan fatima {'strength': 2}\n"
    "noor\n"
)
#: The same with semicolons, as a spreadsheet saves it, a weight in the third place.
EDGE_LIST_SEMICOLONS = "fatima;jan;2\njan;kees;1\nkees;fatima;1\nnoor\n"

#: Pajek: labelled vertices with coordinates and a colour, arcs with weights, an arcs list.
PAJEK = """% buurtnetwerk
*Vertices 4
1 "fatima" 0.1 0.2 0.5 ic Red
2 "jan" 0.3 0.4 0.5
3 "kees"
4 "noor"
*Arcs
1 2 2
2 1 2
2 3 1
*Arcslist
3 1
"""

#: Kumu's JSON import: flat elements and connections.
KUMU_JSON = """{
  "elements": [
    {"label": "fatima", "type": "Person", "image": "https://example.org/f.png"},
    {"label": "jan", "type": "Person"},
    {"label": "kees", "type": "Person"},
    {"label": "noor", "type": "Person"}
  ],
  "connections": [
    {"from": "fatima", "to": "jan", "type": "buren", "direction": "mutual"},
    {"from": "jan", "to": "kees", "type": "familie", "direction": "directed"},
    {"from": "kees", "to": "fatima", "direction": "mutual"}
  ]
}
"""


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """An .xlsx with the given sheets, as a spreadsheet tool saves it."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


KUMU_XLSX = {
    "Elements": [["Label", "Type", "Image"], ["fatima", "Person", ""], ["jan", "Person", ""],
                 ["kees", "Person", ""], ["noor", "Person", ""]],
    "Connections": [["From", "To", "Type", "Direction"], ["fatima", "jan", "buren", "mutual"],
                    ["jan", "kees", "", "directed"], ["kees", "fatima", "vriend", "mutual"]],
}  # fmt: skip
POLINODE_XLSX = {
    "Nodes": [["Name", "leeftijd"], ["fatima", "27-44"], ["jan", "67-79"], ["kees", None],
              ["noor", "80+"]],
    "Edges": [["Source", "Target", "Weight"], ["fatima", "jan", 2], ["jan", "kees", 1],
              ["kees", "fatima", 1]],
}  # fmt: skip
#: NodeXL's template: a row of group headings above the headers, drawing and metric columns.
NODEXL_XLSX = {
    "Edges": [
        [None, None, "Visual Properties", None, None, "Labels", "Graph Metrics"],
        ["Vertex 1", "Vertex 2", "Color", "Width", "Opacity", "Label", "Reciprocated?"],
        ["fatima", "jan", "Red", 2, 100, "", 1],
        ["jan", "kees", "", 1, 100, "", 0],
        ["kees", "fatima", "", 1, 100, "", 0],
        ["jan", "fatima", "", 2, 100, "", 1],  # directed: the reciprocated arc
    ],
    "Vertices": [
        [None, "Visual Properties", None, None, "Labels", "Layout", None, "Graph Metrics"],
        ["Vertex", "Color", "Shape", "Size", "Label", "X", "Y", "Degree"],
        ["fatima", "Blue", "Disk", 3, "Fatima", 10, 20, 2],
        ["jan", "", "", "", "", 5, 5, 2],
        ["kees", "", "", "", "", 1, 1, 2],
        ["noor", "", "", "", "", 9, 9, 0],
    ],
}
