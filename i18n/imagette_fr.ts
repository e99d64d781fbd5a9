<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
  <context>
    <name>Imagette</name>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>Assess map accuracy</source>
      <translation>Évaluer la précision d'une carte</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>Scores a classification against reference polygons or points, with area-adjusted estimates.</source>
      <translation>Évalue une classification à partir de polygones ou de points de référence, avec des estimations ajustées selon les surfaces.</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>accuracy,assessment,validation,confusion matrix,kappa,f1,area,olofsson,stratified,reference,map</source>
      <translation>précision,exactitude,évaluation,validation,matrice de confusion,kappa,f1,surface,olofsson,stratifié,référence,carte,accuracy,confusion matrix</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>Compares a classification raster with reference polygons or points and writes an HTML report: the confusion matrix (rows reference, columns map), producer's and user's accuracy and F1 of every class, overall accuracy, macro-F1 and kappa.

Polygons count the pixels whose centre lies inside them; a point counts the pixel under it. Reference on map nodata (0, or the raster's nodata value) counts against the map, as unclassified: a map that gives no class there has failed there. The overall accuracy of the mapped area alone and the coverage (the share of the reference the map classifies) are given beside it. Pixels inside overlapping polygons of different classes are left out. Classes found on one side only are reported, not refused. An identifier as the class field (every feature its own class, such as fid) is refused, and a reference whose classes are mostly not the map's, or agree with it no better than chance, is warned about.

With points drawn at random within each map class (stratified random sampling), the report adds the area-adjusted estimates of Olofsson et al. (2014): overall, user's and producer's accuracy and the area of each class, with 95 % confidence intervals, the map classes' shares of the whole raster serving as strata weights.

Text class values are matched to the map's class names (category names in the raster or its .aux.xml, or the labels of its .qml style), exactly, accents and case included; integer values are class codes. Works on any integer classification, Imagette's or another tool's. The reference may be in any CRS.</source>
      <translation>Compare un raster de classification avec des polygones ou des points de référence et écrit un rapport HTML : la matrice de confusion (lignes : référence, colonnes : carte), l'exactitude du producteur et de l'utilisateur et le F1 de chaque classe, la précision globale, le F1 macro et le kappa.

Les polygones comptent les pixels dont le centre se trouve à l'intérieur ; un point compte le pixel sous lui. La référence située sur le nodata de la carte (0, ou la valeur nodata du raster) compte contre la carte, comme non classée : une carte qui n'y donne aucune classe y a échoué. La précision globale de la seule zone cartographiée et la couverture (la part de la référence que la carte classe) sont données à côté. Les pixels situés dans des polygones superposés de classes différentes sont écartés. Les classes présentes d'un seul côté sont signalées, pas refusées. Un identifiant comme champ de classe (chaque entité sa propre classe, comme fid) est refusé, et une référence dont les classes ne sont pour la plupart pas celles de la carte, ou qui ne s'accorde pas mieux avec elle que le hasard, fait l'objet d'un avertissement.

Avec des points tirés au hasard dans chaque classe de la carte (échantillonnage aléatoire stratifié), le rapport ajoute les estimations ajustées selon les surfaces d'Olofsson et al. (2014) : précision globale, exactitude de l'utilisateur et du producteur et surface de chaque classe, avec leurs intervalles de confiance à 95 %, les parts des classes de la carte dans l'ensemble du raster servant de poids des strates.

Les valeurs de classe textuelles sont associées aux noms de classe de la carte (noms de catégorie du raster ou de son .aux.xml, ou étiquettes de son style .qml), à l'identique, accents et casse compris ; les valeurs entières sont des codes de classe. Fonctionne sur toute classification entière, d'Imagette ou d'un autre outil. La référence peut être dans n'importe quel SCR.</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>The map to assess: a raster of integer class codes (band 1), such as the output of 'Classify raster'. 0, or the raster's nodata value, means no class.</source>
      <translation>La carte à évaluer : un raster de codes de classe entiers (bande 1), comme la sortie de « Classer un raster ». 0, ou la valeur nodata du raster, signifie aucune classe.</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <location filename="../algorithms/classify_raster.py" />
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Classification</source>
      <translation>Classification</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>The ground truth, in any CRS (reprojected to the map's). Points drawn at random within each map class also give area-adjusted accuracy and class areas. Polygons must not be the training polygons.</source>
      <translation>La vérité terrain, dans n'importe quel SCR (reprojetée dans celui de la carte). Des points tirés au hasard dans chaque classe de la carte donnent aussi la précision ajustée selon les surfaces et les surfaces des classes. Les polygones ne doivent pas être ceux de l'entraînement.</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>Reference polygons or points</source>
      <translation>Polygones ou points de référence</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>Field holding each reference feature's class: integers are the map's class codes; text is matched to the map's class names exactly. Features with an empty class are skipped.</source>
      <translation>Champ contenant la classe de chaque entité de référence : les entiers sont les codes de classe de la carte ; le texte est associé aux noms de classe de la carte à l'identique. Les entités sans classe sont ignorées.</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>Reference class field</source>
      <translation>Champ de classe de la référence</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>HTML report: confusion matrix, per-class scores and, for points, area-adjusted estimates.</source>
      <translation>Rapport HTML : matrice de confusion, scores par classe et, pour des points, estimations ajustées selon les surfaces.</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>Accuracy report</source>
      <translation>Rapport de précision</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <location filename="../algorithms/check_environment.py" />
      <location filename="../algorithms/train_classifier.py" />
      <source>HTML files (*.html)</source>
      <translation>Fichiers HTML (*.html)</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>Optional table without geometry: one row per reference class, a column of counts per map class (map_&lt;code&gt;), the reference on nodata (unclassified), producer's and user's accuracy and F1 (as the headline scores count them).</source>
      <translation>Table facultative sans géométrie : une ligne par classe de référence, une colonne d'effectifs par classe de la carte (map_&lt;code&gt;), la référence sur nodata (non classée), l'exactitude du producteur et de l'utilisateur et le F1 (comptés comme les scores principaux).</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>Confusion matrix table</source>
      <translation>Table de la matrice de confusion</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>On: reference pixels or points where the map gives no class count against the map (a column 'unclassified' of the confusion matrix), in overall accuracy, macro-F1, kappa and producer's accuracy. Off: they are left out, and the scores describe the mapped area only. Either way the mapped-area-only overall accuracy and the coverage are given.</source>
      <translation>Activé : les pixels ou points de référence où la carte ne donne aucune classe comptent contre la carte (une colonne « unclassified » de la matrice de confusion), dans la précision globale, le F1 macro, le kappa et l'exactitude du producteur. Désactivé : ils sont écartés, et les scores ne décrivent que la zone cartographiée. Dans les deux cas, la précision globale de la seule zone cartographiée et la couverture sont données.</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>Count reference on map nodata as unclassified</source>
      <translation>Compter la référence sur le nodata de la carte comme non classée</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <location filename="../plugin/engine/assessment_report.py" />
      <location filename="../plugin/engine/report.py" />
      <source>Overall accuracy</source>
      <translation>Précision globale</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <location filename="../plugin/engine/assessment_report.py" />
      <location filename="../plugin/engine/report.py" />
      <source>Macro-F1</source>
      <translation>F1 macro</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <location filename="../plugin/engine/assessment_report.py" />
      <location filename="../plugin/engine/report.py" />
      <source>Kappa</source>
      <translation>Kappa</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Overall accuracy, mapped area only</source>
      <translation>Précision globale, zone cartographiée seule</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>Coverage: share of the reference the map classifies</source>
      <translation>Couverture : part de la référence que la carte classe</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>The classification</source>
      <translation>La classification</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>{count} reference feature(s) with an empty class or no geometry were skipped.</source>
      <translation>{count} entité(s) de référence sans classe ou sans géométrie ont été ignorée(s).</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>the classification '{name}'</source>
      <translation>la classification « {name} »</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>{features} reference feature(s) in {classes} class(es); the map names {named} class(es).</source>
      <translation>{features} entité(s) de référence dans {classes} classe(s) ; la carte nomme {named} classe(s).</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>Overall accuracy {accuracy}, macro-F1 {f1}, kappa {kappa} on {count} reference point(s)</source>
      <translation>Précision globale {accuracy}, F1 macro {f1}, kappa {kappa} sur {count} point(s) de référence</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>Overall accuracy {accuracy}, macro-F1 {f1}, kappa {kappa} on {count} reference pixel(s)</source>
      <translation>Précision globale {accuracy}, F1 macro {f1}, kappa {kappa} sur {count} pixel(s) de référence</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>, {count} of them unclassified by the map</source>
      <translation>, dont {count} non classé(s) par la carte</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>; on the mapped area only, overall accuracy {accuracy}; coverage {coverage}.</source>
      <translation> ; sur la seule zone cartographiée, précision globale {accuracy} ; couverture {coverage}.</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>Class {code} '{name}': producer's accuracy {producer}, user's accuracy {user}, F1 {f1}.</source>
      <translation>Classe {code} « {name} » : exactitude du producteur {producer}, exactitude de l'utilisateur {user}, F1 {f1}.</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>Area-adjusted overall accuracy {accuracy}</source>
      <translation>Précision globale ajustée selon les surfaces {accuracy}</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <source>; class areas and their intervals are in the report.</source>
      <translation> ; les surfaces des classes et leurs intervalles de confiance sont dans le rapport.</translation>
    </message>
    <message>
      <location filename="../algorithms/assess_accuracy.py" />
      <location filename="../plugin/engine/report.py" />
      <source>n/a</source>
      <translation>n.d.</translation>
    </message>
    <message>
      <location filename="../algorithms/base.py" />
      <source>not importable ({problem})</source>
      <translation>non importable ({problem})</translation>
    </message>
    <message>
      <location filename="../algorithms/base.py" />
      <source>installed, version unknown</source>
      <translation>installé, version inconnue</translation>
    </message>
    <message>
      <location filename="../algorithms/base.py" />
      <location filename="../plugin/deps.py" />
      <source>version unknown</source>
      <translation>version inconnue</translation>
    </message>
    <message>
      <location filename="../algorithms/base.py" />
      <source>'{tool}' ran out of memory ({what}). Close other programs, choose a smaller batch size or patch size, or run on the CPU, then run again.</source>
      <translation>« {tool} » a manqué de mémoire ({what}). Fermez d'autres programmes, choisissez une taille de lot ou une taille d'imagette plus petite, ou calculez sur le CPU, puis relancez.</translation>
    </message>
    <message>
      <location filename="../algorithms/base.py" />
      <source>'{tool}' could not read or write a file ({what}). Check that the files exist, that the disk has free space and that you may write to the output folders, then run again.</source>
      <translation>« {tool} » n'a pas pu lire ou écrire un fichier ({what}). Vérifiez que les fichiers existent, que le disque a de l'espace libre et que vous pouvez écrire dans les dossiers de sortie, puis relancez.</translation>
    </message>
    <message>
      <location filename="../algorithms/base.py" />
      <source>'{tool}' stopped on an unexpected error ({what}). Check the inputs and run again; if it happens again, report it as a bug to Imagette {version} with the details from the log.</source>
      <translation>« {tool} » s'est arrêté sur une erreur inattendue ({what}). Vérifiez les entrées et relancez ; si cela se reproduit, signalez-le comme un bogue d'Imagette {version} avec les détails du journal.</translation>
    </message>
    <message>
      <location filename="../algorithms/base.py" />
      <source>Land-cover classification</source>
      <translation>Classification de l'occupation du sol</translation>
    </message>
    <message>
      <location filename="../algorithms/base.py" />
      <source>Stopped by SIGTERM: no output was replaced, and no temporary file is left.</source>
      <translation>Arrêté par SIGTERM : aucune sortie n'a été remplacée, et aucun fichier temporaire ne reste.</translation>
    </message>
    <message>
      <location filename="../algorithms/base.py" />
      <source>Stopped by SIGTERM.</source>
      <translation>Arrêté par SIGTERM.</translation>
    </message>
    <message>
      <location filename="../algorithms/base.py" />
      <source>Details for a bug report:</source>
      <translation>Détails pour un rapport de bogue :</translation>
    </message>
    <message>
      <location filename="../algorithms/check_environment.py" />
      <source>Check deep-learning environment</source>
      <translation>Vérifier l'environnement d'apprentissage profond</translation>
    </message>
    <message>
      <location filename="../algorithms/check_environment.py" />
      <source>Reports the versions, GPUs and pretrained weights Imagette can use, and how to fix what is missing.</source>
      <translation>Indique les versions, les GPU et les poids pré-entraînés qu'Imagette peut utiliser, et comment corriger ce qui manque.</translation>
    </message>
    <message>
      <location filename="../algorithms/check_environment.py" />
      <source>environment,torch,pytorch,cuda,gpu,install,version,diagnostic,troubleshooting,weights</source>
      <translation>environnement,torch,pytorch,cuda,gpu,installation,version,diagnostic,dépannage,poids,environment,install</translation>
    </message>
    <message>
      <location filename="../algorithms/check_environment.py" />
      <source>Reports what Imagette runs on: the versions of Imagette, QGIS, Python, numpy, rasterio, GDAL and PyTorch; whether PyTorch sees a CUDA or Apple MPS GPU, with device names and memory; which device 'auto' picks; where pretrained ResNet weights are looked for (the torch hub cache) and whether they are there; and the versions of onnx and ONNX Runtime, with ONNX Runtime's execution providers (optional: for ONNX export).

When something is missing or wrong (PyTorch not installed or too old, a CPU-only PyTorch on a machine with an NVIDIA GPU, two different GDAL libraries in QGIS), the log gives the exact command to run for the Python that this QGIS uses. It runs without PyTorch or rasterio installed, and says what to install.</source>
      <translation>Indique sur quoi Imagette fonctionne : les versions d'Imagette, QGIS, Python, numpy, rasterio, GDAL et PyTorch ; si PyTorch voit un GPU CUDA ou Apple MPS, avec le nom et la mémoire des périphériques ; le périphérique que choisit « auto » ; où sont cherchés les poids ResNet pré-entraînés (le cache de torch hub) et s'ils y sont ; et les versions d'onnx et d'ONNX Runtime, avec les fournisseurs d'exécution d'ONNX Runtime (facultatifs : pour l'export ONNX).

Quand quelque chose manque ou ne va pas (PyTorch absent ou trop ancien, un PyTorch pour CPU seul sur une machine dotée d'un GPU NVIDIA, deux bibliothèques GDAL différentes dans QGIS), le journal donne la commande exacte à lancer pour le Python qu'utilise ce QGIS. Il fonctionne sans PyTorch ni rasterio installés, et dit quoi installer.</translation>
    </message>
    <message>
      <location filename="../algorithms/check_environment.py" />
      <source>Optional HTML file with the same report, to keep or to send along with a question or a bug report.</source>
      <translation>Fichier HTML facultatif avec le même rapport, à garder ou à joindre à une question ou à un rapport de bogue.</translation>
    </message>
    <message>
      <location filename="../algorithms/check_environment.py" />
      <source>Environment report</source>
      <translation>Rapport d'environnement</translation>
    </message>
    <message>
      <location filename="../algorithms/check_environment.py" />
      <source>Summary (one line)</source>
      <translation>Résumé (une ligne)</translation>
    </message>
    <message>
      <location filename="../algorithms/check_environment.py" />
      <source>PyTorch version (empty when missing)</source>
      <translation>Version de PyTorch (vide s'il manque)</translation>
    </message>
    <message>
      <location filename="../algorithms/check_environment.py" />
      <source>CUDA GPU available</source>
      <translation>GPU CUDA disponible</translation>
    </message>
    <message>
      <location filename="../algorithms/check_environment.py" />
      <source>Device 'auto' uses (cuda, mps, cpu)</source>
      <translation>Périphérique qu'utilise « auto » (cuda, mps, cpu)</translation>
    </message>
    <message>
      <location filename="../algorithms/check_environment.py" />
      <location filename="../plugin/deps.py" />
      <source>Everything Imagette needs is in place.</source>
      <translation>Tout ce dont Imagette a besoin est en place.</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>Classify raster</source>
      <translation>Classer un raster</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>Classifies a whole raster with a trained model into a styled land-cover layer.</source>
      <translation>Classe un raster entier avec un modèle entraîné et en fait une couche d'occupation du sol stylée.</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>classify,classification,predict,inference,land cover,map,cnn,deep learning,resnet,raster,onnx,onnxruntime</source>
      <translation>classer,classification,prédire,inférence,occupation du sol,carte,cnn,apprentissage profond,resnet,raster,onnx,onnxruntime,classify,land cover</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>Classifies every part of a raster with a model file written by 'Train patch classifier', and writes a GeoTIFF of class codes, styled with the model's class names and colours. A model exported by 'Export model to ONNX' in the Imagette format (.onnx) runs with ONNX Runtime instead, without PyTorch, with the same methods, and gives the same map. So does a segmentation model made for the Deepness plugin (.onnx with Deepness's metadata, model type Segmentor), run as Deepness runs it.

Output pixel size, in input pixels: an output pixel is that many input pixels on a side. A patch classifier gives it the class of the patch centred on it (by default an output pixel is an eighth of the patch); a U-Net classifies at full resolution by default (an output pixel is 1 input pixel). Output pixels whose patch would leave the raster, or whose centre is nodata, are nodata (0). The output is in the raster's CRS; class codes are those of the training classes.

The dense method evaluates the network once over each tile of the raster and is many times faster; it differs from the per-patch reference only in that a patch sees its real surroundings instead of zero padding at its border. The per-patch method is there to check results, and for small areas.

The raster must have the bands the model was trained on, in the same order; a different pixel size or CRS gives a warning. The style is saved beside the GeoTIFF (.qml), the GeoTIFF carries a colour table and category names (in its .aux.xml), and the loaded layer is named after the model and the raster ('model — raster'). The confidence raster opens on a colour ramp from 0 (unsure) to 1 (sure).</source>
      <translation>Classe chaque partie d'un raster avec un fichier de modèle écrit par « Entraîner un classifieur d'imagettes », et écrit un GeoTIFF de codes de classe, stylé avec les noms et les couleurs des classes du modèle. Un modèle exporté par « Exporter le modèle en ONNX » au format Imagette (.onnx) s'exécute plutôt avec ONNX Runtime, sans PyTorch, avec les mêmes méthodes, et donne la même carte. De même pour un modèle de segmentation fait pour le plugin Deepness (.onnx avec les métadonnées de Deepness, type de modèle Segmentor), exécuté comme Deepness l'exécute.

Taille du pixel de sortie, en pixels d'entrée : un pixel de sortie mesure autant de pixels d'entrée de côté. Un classifieur d'imagettes lui donne la classe de l'imagette centrée sur lui (par défaut, un pixel de sortie vaut un huitième de l'imagette) ; un U-Net classe par défaut à pleine résolution (un pixel de sortie vaut 1 pixel d'entrée). Les pixels de sortie dont l'imagette sortirait du raster, ou dont le centre est nodata, sont nodata (0). La sortie est dans le SCR du raster ; les codes de classe sont ceux des classes d'entraînement.

La méthode dense évalue le réseau une fois sur chaque tuile du raster et est bien plus rapide ; elle ne diffère de la référence par imagette qu'en ce qu'une imagette voit son véritable voisinage au lieu d'un remplissage de zéros à sa bordure. La méthode par imagette sert à vérifier les résultats, et pour de petites zones.

Le raster doit avoir les bandes sur lesquelles le modèle a été entraîné, dans le même ordre ; une taille de pixel ou un SCR différents donnent un avertissement. Le style est enregistré à côté du GeoTIFF (.qml), le GeoTIFF porte une table de couleurs et les noms des catégories (dans son .aux.xml), et la couche chargée est nommée d'après le modèle et le raster (« modèle — raster »). Le raster de confiance s'ouvre sur une rampe de couleurs de 0 (incertain) à 1 (certain).</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>The image to classify, with the same bands, in the same order, as the raster the model was trained on.</source>
      <translation>L'image à classer, avec les mêmes bandes, dans le même ordre, que le raster sur lequel le modèle a été entraîné.</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <location filename="../algorithms/sample_patches.py" />
      <source>Input raster</source>
      <translation>Raster en entrée</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>A model file written by 'Train patch classifier' (.pt, run with PyTorch), or exported from one by 'Export model to ONNX' (.onnx, run with ONNX Runtime: PyTorch not needed), or a segmentation model made for the Deepness plugin (.onnx). Model files hold only data: opening one never runs code.</source>
      <translation>Un fichier de modèle écrit par « Entraîner un classifieur d'imagettes » (.pt, exécuté avec PyTorch), ou exporté depuis l'un d'eux par « Exporter le modèle en ONNX » (.onnx, exécuté avec ONNX Runtime : PyTorch inutile), ou un modèle de segmentation fait pour le plugin Deepness (.onnx). Les fichiers de modèle ne contiennent que des données : en ouvrir un n'exécute jamais de code.</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <location filename="../algorithms/export_model.py" />
      <location filename="../algorithms/train_classifier.py" />
      <source>Model file</source>
      <translation>Fichier de modèle</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>Imagette model (*.pt *.onnx)</source>
      <translation>Modèle Imagette (*.pt *.onnx)</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>Where the network runs. Auto takes a CUDA GPU, then an Apple GPU, then the CPU with all its cores, and the log says which.</source>
      <translation>Où le réseau s'exécute. Auto prend un GPU CUDA, puis un GPU Apple, puis le CPU avec tous ses cœurs, et le journal dit lequel.</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <location filename="../algorithms/train_classifier.py" />
      <location filename="../plugin/engine/report.py" />
      <source>Device</source>
      <translation>Périphérique de calcul</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>Output pixel size, in input pixels: an output pixel is that many input pixels on a side. 0 chooses it: an eighth of the patch for a patch classifier (4 for 32 px patches; each output pixel gets the class of the patch centred on it, which resolves details of about half a patch), 1 input pixel (full resolution) for a U-Net. 1 with a patch classifier gives a class per input pixel, slowly.</source>
      <translation>Taille du pixel de sortie, en pixels d'entrée : un pixel de sortie mesure autant de pixels d'entrée de côté. 0 la choisit : un huitième de l'imagette pour un classifieur d'imagettes (4 pour des imagettes de 32 px ; chaque pixel de sortie reçoit la classe de l'imagette centrée sur lui, ce qui résout des détails d'environ une demi-imagette), 1 pixel d'entrée (pleine résolution) pour un U-Net. 1 avec un classifieur d'imagettes donne une classe par pixel d'entrée, lentement.</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>Output pixel size, in input pixels (0 = automatic)</source>
      <translation>Taille du pixel de sortie, en pixels d'entrée (0 = automatique)</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>Classify only this area (in any CRS); empty classifies the whole raster. The output snaps to the grid of output pixels.</source>
      <translation>Ne classer que cette zone (dans n'importe quel SCR) ; vide, le raster entier est classé. La sortie s'aligne sur la grille des pixels de sortie.</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>Extent to classify</source>
      <translation>Emprise à classer</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>Dense evaluates the network once over each tile: many times faster. Per-patch runs the network on every patch alone, as in training: the exact reference, to check results on small areas.</source>
      <translation>Dense évalue le réseau une fois sur chaque tuile : bien plus rapide. Par imagette exécute le réseau sur chaque imagette seule, comme à l'entraînement : la référence exacte, pour vérifier les résultats sur de petites zones.</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>Method</source>
      <translation>Méthode</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>Patches evaluated at once (per-patch method); the dense method uses tiles needing as much memory. When the GPU runs out of memory, batches (and tiles) are halved and the run goes on; the log gives the batch size to set next time.</source>
      <translation>Imagettes évaluées à la fois (méthode par imagette) ; la méthode dense utilise des tuiles demandant autant de mémoire. Quand le GPU manque de mémoire, les lots (et les tuiles) sont divisés par deux et le calcul continue ; le journal donne la taille de lot à indiquer la fois suivante.</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>Batch size (0 = sized to the device's memory)</source>
      <translation>Taille de lot (0 = selon la mémoire du périphérique)</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>GeoTIFF of class codes (0 = nodata), with its style (.qml) and category names (.aux.xml) beside it.</source>
      <translation>GeoTIFF de codes de classe (0 = nodata), avec son style (.qml) et les noms des catégories (.aux.xml) à côté.</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>Optional GeoTIFF of the probability the model gives its chosen class (0 to 1; 0 = nodata): low values show where the map is uncertain.</source>
      <translation>GeoTIFF facultatif de la probabilité que le modèle donne à la classe choisie (0 à 1 ; 0 = nodata) : les valeurs faibles montrent où la carte est incertaine.</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>Confidence</source>
      <translation>Confiance</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>What runs the network. Auto follows the model: PyTorch for a model file (.pt), ONNX Runtime for a model exported by 'Export model to ONNX' (.onnx). Choosing one refuses a model it cannot run, before any work.</source>
      <translation>Ce qui exécute le réseau. Auto suit le modèle : PyTorch pour un fichier de modèle (.pt), ONNX Runtime pour un modèle exporté par « Exporter le modèle en ONNX » (.onnx). En choisir un refuse, avant tout calcul, un modèle qu'il ne peut pas exécuter.</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>Engine</source>
      <translation>Moteur</translation>
    </message>
    <message>
      <location filename="../algorithms/classify_raster.py" />
      <source>{name} (confidence)</source>
      <translation>{name} (confiance)</translation>
    </message>
    <message>
      <location filename="../algorithms/export_model.py" />
      <source>Imagette (ONNX Runtime, any program)</source>
      <translation>Imagette (ONNX Runtime, tout programme)</translation>
    </message>
    <message>
      <location filename="../algorithms/export_model.py" />
      <source>Deepness (QGIS plugin; segmentation networks only)</source>
      <translation>Deepness (extension QGIS ; réseaux de segmentation seulement)</translation>
    </message>
    <message>
      <location filename="../algorithms/export_model.py" />
      <source>Export model to ONNX</source>
      <translation>Exporter le modèle en ONNX</translation>
    </message>
    <message>
      <location filename="../algorithms/export_model.py" />
      <source>Exports a trained model as ONNX, with its classes and normalisation, for use without PyTorch.</source>
      <translation>Exporte un modèle entraîné en ONNX, avec ses classes et sa normalisation, pour l'utiliser sans PyTorch.</translation>
    </message>
    <message>
      <location filename="../algorithms/export_model.py" />
      <source>onnx,onnxruntime,export,deepness,model,deploy,interoperability,deep learning,cnn,u-net</source>
      <translation>onnx,onnxruntime,export,exporter,deepness,modèle,déploiement,interopérabilité,apprentissage profond,cnn,u-net,model,deploy</translation>
    </message>
    <message>
      <location filename="../algorithms/export_model.py" />
      <source>Writes the network of a model file from 'Train patch classifier' as an ONNX file, which ONNX Runtime runs on CPUs and GPUs without PyTorch. The file carries what classification needs as ONNX metadata: the class table (codes, names, colours), band count and names, normalisation, patch size, kind of network, architecture, pixel size, CRS and the software versions.

Imagette format: the network as it is, for any program with ONNX Runtime. Its input is the band values normalised with the model's mean and standard deviation; it takes tiles of any size. A U-Net gives class scores per pixel; a patch classifier gives them at each position of its feature map, and a patch's scores are the average of its positions (the guide says how to read them).

Deepness format: a U-Net ready for the Deepness plugin, loaded and run without editing: normalisation and class probabilities are inside the file, with Deepness's keys (model type, class names, resolution, tile size and overlap). Deepness runs segmentation networks only: a patch classifier is refused.

Exporting needs PyTorch and the onnx package; the guide says what each format is for.</source>
      <translation>Écrit le réseau d'un fichier de modèle issu d'« Entraîner un classifieur d'imagettes » dans un fichier ONNX, qu'ONNX Runtime exécute sur CPU et GPU sans PyTorch. Le fichier porte en métadonnées ONNX ce dont la classification a besoin : la table des classes (codes, noms, couleurs), le nombre et les noms des bandes, la normalisation, la taille d'imagette, le type de réseau, l'architecture, la taille de pixel, le SCR et les versions des logiciels.

Format Imagette : le réseau tel quel, pour tout programme doté d'ONNX Runtime. Son entrée est la valeur des bandes normalisée avec la moyenne et l'écart-type du modèle ; il prend des tuiles de toute taille. Un U-Net donne des scores de classe par pixel ; un classifieur d'imagettes les donne à chaque position de sa carte de caractéristiques, et les scores d'une imagette sont la moyenne de ses positions (le guide dit comment les lire).

Format Deepness : un U-Net prêt pour l'extension Deepness, chargé et exécuté sans retouche : la normalisation et les probabilités des classes sont dans le fichier, avec les clés de Deepness (type de modèle, noms des classes, résolution, taille et recouvrement des tuiles). Deepness n'exécute que des réseaux de segmentation : un classifieur d'imagettes est refusé.

L'export demande PyTorch et le paquet onnx ; le guide dit à quoi sert chaque format.</translation>
    </message>
    <message>
      <location filename="../algorithms/export_model.py" />
      <source>A model file written by 'Train patch classifier'. Model files hold only data: opening one never runs code.</source>
      <translation>Un fichier de modèle écrit par « Entraîner un classifieur d'imagettes ». Les fichiers de modèle ne contiennent que des données : en ouvrir un n'exécute jamais de code.</translation>
    </message>
    <message>
      <location filename="../algorithms/export_model.py" />
      <location filename="../algorithms/train_classifier.py" />
      <source>Imagette model (*.pt)</source>
      <translation>Modèle Imagette (*.pt)</translation>
    </message>
    <message>
      <location filename="../algorithms/export_model.py" />
      <source>Imagette: the network with Imagette's metadata, for ONNX Runtime in any program. Deepness: a U-Net that the Deepness plugin runs as it is (normalisation and probabilities inside, Deepness's metadata keys).</source>
      <translation>Imagette : le réseau avec les métadonnées d'Imagette, pour ONNX Runtime dans tout programme. Deepness : un U-Net que l'extension Deepness exécute tel quel (normalisation et probabilités incluses, clés de métadonnées de Deepness).</translation>
    </message>
    <message>
      <location filename="../algorithms/export_model.py" />
      <source>Format</source>
      <translation>Format</translation>
    </message>
    <message>
      <location filename="../algorithms/export_model.py" />
      <source>The ONNX file to write (.onnx).</source>
      <translation>Le fichier ONNX à écrire (.onnx).</translation>
    </message>
    <message>
      <location filename="../algorithms/export_model.py" />
      <source>ONNX model</source>
      <translation>Modèle ONNX</translation>
    </message>
    <message>
      <location filename="../algorithms/export_model.py" />
      <source>ONNX (*.onnx)</source>
      <translation>ONNX (*.onnx)</translation>
    </message>
    <message>
      <location filename="../algorithms/labels.py" />
      <source>{what} '{name}' has no coordinate reference system. Assign one (Raster &gt; Projections &gt; Assign Projection) and run again.</source>
      <translation>{what} « {name} » n'a pas de système de coordonnées de référence. Assignez-en un (Raster &gt; Projections &gt; Assigner une projection) et relancez.</translation>
    </message>
    <message>
      <location filename="../algorithms/labels.py" />
      <source>The class field '{field}' does not exist in the vector layer. Its fields are: {fields}.</source>
      <translation>Le champ de classe « {field} » n'existe pas dans la couche vecteur. Ses champs sont : {fields}.</translation>
    </message>
    <message>
      <location filename="../algorithms/labels.py" />
      <source>The class field '{field}' is of type {type}; use an integer or a text field.</source>
      <translation>Le champ de classe « {field} » est de type {type} ; utilisez un champ entier ou texte.</translation>
    </message>
    <message>
      <location filename="../algorithms/labels.py" />
      <source>The vector layer has no coordinate reference system (a shapefile without its .prj file, or a GeoPackage layer whose SRS is undefined, for instance): its coordinates were taken to be in the raster's CRS ({crs}). If they are not, assign the layer its CRS (Vector &gt; Data Management Tools &gt; Assign Projection) and run again.</source>
      <translation>La couche vecteur n'a pas de système de coordonnées de référence (un shapefile sans son fichier .prj, ou une couche GeoPackage au SRS indéfini, par exemple) : ses coordonnées ont été supposées dans le SCR du raster ({crs}). Si ce n'est pas le cas, assignez à la couche son SCR (Vecteur &gt; Outils de gestion de données &gt; Assigner une projection) et relancez.</translation>
    </message>
    <message>
      <location filename="../algorithms/labels.py" />
      <source>The class field '{field}' holds {value}, which is not a class code (a whole number). Use an integer or a text field.</source>
      <translation>Le champ de classe « {field} » contient {value}, qui n'est pas un code de classe (un nombre entier). Utilisez un champ entier ou texte.</translation>
    </message>
    <message>
      <location filename="../algorithms/labels.py" />
      <source>'{field}' ({count} classes, used by the layer style)</source>
      <translation>« {field} » ({count} classes, utilisé par le style de la couche)</translation>
    </message>
    <message>
      <location filename="../algorithms/labels.py" />
      <source>'{field}' ({count} classes)</source>
      <translation>« {field} » ({count} classes)</translation>
    </message>
    <message>
      <location filename="../algorithms/labels.py" />
      <source>Choose {fields} as the class field.</source>
      <translation>Choisissez {fields} comme champ de classe.</translation>
    </message>
    <message>
      <location filename="../algorithms/labels.py" />
      <source> or </source>
      <translation> ou </translation>
    </message>
    <message>
      <location filename="../algorithms/labels.py" />
      <source>Choose the field naming the class.</source>
      <translation>Choisissez le champ qui nomme la classe.</translation>
    </message>
    <message>
      <location filename="../algorithms/labels.py" />
      <source>The class field '{field}' gives {classes} classes to {features} features: nearly every feature has its own class, so '{field}' is probably not the class field (an identifier?).</source>
      <translation>Le champ de classe « {field} » donne {classes} classes à {features} entités : presque chaque entité a sa propre classe, donc « {field} » n'est probablement pas le champ de classe (un identifiant ?).</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Sample training patches</source>
      <translation>Échantillonner des imagettes d'entraînement</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Cuts labelled training patches (imagettes) from a raster inside polygons or at points.</source>
      <translation>Découpe des imagettes d'entraînement étiquetées dans un raster, à l'intérieur de polygones ou autour de points.</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>sample,patch,imagette,training,dataset,label,polygon,split,validation,deep learning,cnn</source>
      <translation>échantillonner,imagette,patch,entraînement,jeu de données,étiquette,polygone,partition,validation,apprentissage profond,cnn,sample,dataset</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Cuts square training patches (imagettes) out of a raster wherever labelled polygons or points are, and writes a dataset folder for 'Train patch classifier'.

Inside polygons, patch centres lie on a grid (the stride); at points, one patch is centred on each point, and every point near it labels its own pixel in the patch's mask. With the default stride, the grid is tightened inside polygons too small for about sixteen patches.

Every patch gets its mask: the class of each pixel whose centre lies in a polygon (or under a point) of the patch's own split, 0 elsewhere. Segmentation networks (U-Nets) learn from the masks, so they use every patch: one that crosses the raster edge or holds nodata keeps those pixels unlabelled (and filled with the patch's band means). Patch classifiers learn one class per patch, so they leave out the patches that cross the raster edge, hold more nodata than tolerated, or hold too little of their own class (counted against what the patch can hold of its polygon, so polygons smaller than a patch still give patches). Only a patch centred on nodata is never cut. The log says, per class, how many features, patches and labelled pixels went to each split, and how many of the training labels some training mask holds; it names the classes left with too few patches and what to change. The default 32 px suits 10 to 30 m imagery for every network; on sub-metre imagery, 64 to 256 px give a U-Net the wider context a pixel needs there, and 16 to 64 px suit patch classifiers.

Validation is split by feature before any patch is cut: each polygon or point goes whole to training or to validation, per class and seeded, so that validation holds the asked share of the class's labelled pixels (of its points). A validation label is never a training target: training masks leave validation pixels unlabelled. Training patches may still show validation pixels as imagery around their own labels, so the network has seen the validation areas as context, never their classes; patches are not dropped for it, which on touching polygons or crowded points would cost most of the training labels.

Integer class values are kept as class codes; text values get codes 1, 2, ... in alphabetical order. Class colours come from the layer's categorized style on the class field when it has one. A class field that gives nearly every feature its own class (an identifier such as fid, QGIS's first choice) is refused, and the message names the fields that look like classes. The footprints layer shows where every patch came from, in its class colour, validation patches hatched.</source>
      <translation>Découpe des imagettes d'entraînement carrées dans un raster partout où se trouvent des polygones ou des points étiquetés, et écrit un dossier de jeu de données pour « Entraîner un classifieur d'imagettes ».

Dans les polygones, les centres des imagettes sont sur une grille (le pas) ; aux points, une imagette est centrée sur chaque point, et chaque point voisin étiquette son propre pixel dans le masque de l'imagette. Avec le pas par défaut, la grille est resserrée dans les polygones trop petits pour environ seize imagettes.

Chaque imagette reçoit son masque : la classe de chaque pixel dont le centre se trouve dans un polygone (ou sous un point) de la partition de l'imagette, 0 ailleurs. Les réseaux de segmentation (U-Net) apprennent des masques, donc utilisent toutes les imagettes : celle qui dépasse le bord du raster ou contient du nodata laisse ces pixels sans étiquette (et remplis avec les moyennes des bandes de l'imagette). Les classifieurs d'imagettes apprennent une classe par imagette, donc écartent les imagettes qui dépassent le bord du raster, contiennent plus de nodata que toléré, ou trop peu de leur propre classe (comptée par rapport à ce que l'imagette peut contenir de son polygone, si bien que des polygones plus petits qu'une imagette donnent encore des imagettes). Seule une imagette centrée sur du nodata n'est jamais découpée. Le journal indique, par classe, combien d'entités, d'imagettes et de pixels étiquetés sont allés dans chaque partition, et quelle part des étiquettes d'entraînement se trouve dans un masque d'entraînement ; il nomme les classes restées avec trop peu d'imagettes et ce qu'il faut changer. Les 32 px par défaut conviennent à l'imagerie de 10 à 30 m pour tous les réseaux ; sur de l'imagerie submétrique, 64 à 256 px donnent à un U-Net le contexte plus large dont un pixel y a besoin, et 16 à 64 px conviennent aux classifieurs d'imagettes.

La validation est séparée par entité avant la découpe de toute imagette : chaque polygone ou point va entier à l'entraînement ou à la validation, par classe et selon la graine, de sorte que la validation contienne la part demandée des pixels étiquetés de la classe (de ses points). Une étiquette de validation n'est jamais une cible d'entraînement : les masques d'entraînement laissent les pixels de validation sans étiquette. Des imagettes d'entraînement peuvent tout de même montrer des pixels de validation comme image autour de leurs propres étiquettes, si bien que le réseau a vu les zones de validation comme contexte, jamais leurs classes ; les imagettes ne sont pas écartées pour autant, ce qui sur des polygones jointifs ou des points serrés coûterait la plupart des étiquettes d'entraînement.

Les valeurs de classe entières sont gardées comme codes de classe ; les valeurs textuelles reçoivent les codes 1, 2, ... par ordre alphabétique. Les couleurs des classes viennent du style catégorisé de la couche sur le champ de classe quand elle en a un. Un champ de classe qui donne à presque chaque entité sa propre classe (un identifiant comme fid, premier choix de QGIS) est refusé, et le message nomme les champs qui ressemblent à des classes. La couche des contours montre d'où vient chaque imagette, dans la couleur de sa classe, les imagettes de validation hachurées.</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>The image to sample: any raster GDAL reads, any number of bands (uint8, uint16, int16 or float32).</source>
      <translation>L'image à échantillonner : tout raster que GDAL lit, avec un nombre quelconque de bandes (uint8, uint16, int16 ou float32).</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Training polygons (or points) with a class field, in any CRS: they are reprojected to the raster's CRS.</source>
      <translation>Polygones (ou points) d'entraînement avec un champ de classe, dans n'importe quel SCR : ils sont reprojetés dans le SCR du raster.</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Labelled polygons or points</source>
      <translation>Polygones ou points étiquetés</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Field holding the class: integers are kept as class codes (1 and up; 0 means nodata), text gets codes 1, 2, ... in alphabetical order. Features with an empty class are skipped.</source>
      <translation>Champ contenant la classe : les entiers sont gardés comme codes de classe (1 et plus ; 0 signifie nodata), le texte reçoit les codes 1, 2, ... par ordre alphabétique. Les entités sans classe sont ignorées.</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Class field</source>
      <translation>Champ de classe</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Patch size (pixels)</source>
      <translation>Taille des imagettes (pixels)</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Side of the square patch the classifier sees, in raster pixels, from {smallest} (every network halves it three times) to {largest}. Larger patches see more context but need larger polygons; 16 to 64 suits most orthophotos and Sentinel-2 scenes.</source>
      <translation>Côté de l'imagette carrée que voit le classifieur, en pixels du raster, de {smallest} (chaque réseau la divise trois fois par deux) à {largest}. Les grandes imagettes voient plus de contexte mais demandent des polygones plus grands ; 16 à 64 conviennent à la plupart des orthophotos et des scènes Sentinel-2.</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Share of each class's patches set aside for validation, by whole polygons or points. 0 disables validation.</source>
      <translation>Part des imagettes de chaque classe mise de côté pour la validation, par polygones ou points entiers. 0 désactive la validation.</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Validation fraction</source>
      <translation>Fraction de validation</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Seed of the split and the per-class cap: the same seed gives the same dataset.</source>
      <translation>Graine de la partition et du plafond par classe : la même graine donne le même jeu de données.</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <location filename="../algorithms/train_classifier.py" />
      <source>Random seed</source>
      <translation>Graine aléatoire</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Distance between neighbouring patch centres inside polygons, in pixels. Smaller strides give more, more overlapping patches.</source>
      <translation>Distance entre les centres d'imagettes voisins dans les polygones, en pixels. Un pas plus petit donne plus d'imagettes, qui se recouvrent davantage.</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Stride between patch centres (pixels, 0 = half the patch)</source>
      <translation>Pas entre les centres des imagettes (pixels, 0 = la moitié de l'imagette)</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Patch classifiers use a patch only if at least this fraction of its pixels lies inside polygons of its own class; segmentation networks use every patch.</source>
      <translation>Les classifieurs d'imagettes n'utilisent une imagette que si au moins cette fraction de ses pixels se trouve dans des polygones de sa propre classe ; les réseaux de segmentation utilisent toutes les imagettes.</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Minimum share of the patch inside its class</source>
      <translation>Part minimale de l'imagette dans sa classe</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Patch classifiers leave out the patches with a larger fraction of nodata pixels, and classify only where a patch holds no more; segmentation networks use every patch, its nodata pixels unlabelled. Nodata pixels are filled with the patch's band means.</source>
      <translation>Les classifieurs d'imagettes écartent les imagettes ayant une plus grande fraction de pixels nodata, et ne classent que là où une imagette n'en contient pas plus ; les réseaux de segmentation utilisent toutes les imagettes, leurs pixels nodata sans étiquette. Les pixels nodata sont remplis avec les moyennes des bandes de l'imagette.</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Tolerated share of nodata pixels</source>
      <translation>Part tolérée de pixels nodata</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Caps the patches of each class, drawn at random (seeded), so that a huge class does not drown the others.</source>
      <translation>Plafonne les imagettes de chaque classe, tirées au hasard (selon la graine), pour qu'une classe énorme n'écrase pas les autres.</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Maximum patches per class (0 = no limit)</source>
      <translation>Nombre maximal d'imagettes par classe (0 = sans limite)</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>A point labels the pixel under it; with a radius, also the pixels within that many pixels of it (a disc) where no polygon lies, for segmentation networks to learn from. Use it where a point stands for a homogeneous area at least that wide.</source>
      <translation>Un point étiquette le pixel sous lui ; avec un rayon, aussi les pixels à moins de ce nombre de pixels de lui (un disque) là où aucun polygone ne se trouve, pour l'apprentissage des réseaux de segmentation. À utiliser là où un point représente une zone homogène au moins aussi large.</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Radius labelled around each point (pixels)</source>
      <translation>Rayon étiqueté autour de chaque point (pixels)</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Folder where the dataset is written (patches, labels, split and metadata), to give to 'Train patch classifier'.</source>
      <translation>Dossier où le jeu de données est écrit (imagettes, étiquettes, partition et métadonnées), à donner à « Entraîner un classifieur d'imagettes ».</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <location filename="../algorithms/train_classifier.py" />
      <location filename="../plugin/engine/report.py" />
      <source>Dataset folder</source>
      <translation>Dossier du jeu de données</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>One square per patch with its class code, class name and split (train or validation).</source>
      <translation>Un carré par imagette avec son code de classe, son nom de classe et sa partition (entraînement ou validation).</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Patch footprints</source>
      <translation>Contours des imagettes</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Total patches</source>
      <translation>Imagettes au total</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Training patches</source>
      <translation>Imagettes d'entraînement</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Validation patches</source>
      <translation>Imagettes de validation</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>The raster</source>
      <translation>Le raster</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>{count} feature(s) with an empty class or no geometry were skipped.</source>
      <translation>{count} entité(s) sans classe ou sans géométrie ont été ignorée(s).</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>{features} labelled feature(s) in {classes} class(es).</source>
      <translation>{features} entité(s) étiquetée(s) dans {classes} classe(s).</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Rejected: {count} × {reason}.</source>
      <translation>Rejetées : {count} × {reason}.</translation>
    </message>
    <message>
      <location filename="../algorithms/sample_patches.py" />
      <source>Kept for segmentation networks only (patch classifiers leave it out): {count} × {reason}.</source>
      <translation>Gardées pour les réseaux de segmentation seulement (les classifieurs d'imagettes les écartent) : {count} × {reason}.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>RGB bands '{bands}' are not understood: give three different band numbers for red, green and blue, separated by commas, e.g. 3,2,1.</source>
      <translation>Les bandes RVB « {bands} » ne sont pas comprises : donnez trois numéros de bande différents pour le rouge, le vert et le bleu, séparés par des virgules, par exemple 3,2,1.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Train patch classifier</source>
      <translation>Entraîner un classifieur d'imagettes</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Trains a CNN that classifies patches or segments pixels, from a dataset of labelled patches.</source>
      <translation>Entraîne un CNN qui classe des imagettes ou segmente des pixels, à partir d'un jeu de données d'imagettes étiquetées.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>train,classifier,cnn,resnet,u-net,unet,segmentation,deep learning,pytorch,land cover,patch,imagette,gpu,fine-tune,pretrained</source>
      <translation>entraîner,classifieur,cnn,resnet,u-net,unet,segmentation,apprentissage profond,pytorch,occupation du sol,imagette,gpu,affiner,pré-entraîné,train,land cover,fine-tune</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Trains a convolutional network on the dataset written by 'Sample training patches' and saves one model file for 'Classify raster', with an HTML report.

The default, the U-Net (from scratch), gave the best maps on real imagery: see below. Small CNN: trained from scratch, fast on a CPU, any band count; one class per patch, for patches of 16 to 64 px and a few thousand patches. ResNet-18/34/50: larger networks, fine-tuned from ImageNet weights by default; worth it with many patches, subtle classes, RGB or RGB+NIR images, and a GPU. Their first layer is fitted to your bands (red, green and blue found by band name, or set 'RGB bands'); for patches under 64 px the stem does not downsample, instead of blowing patches up.

U-Nets are segmentation networks: they learn from every labelled pixel of a patch (the polygons' masks) and give one class per pixel, so class boundaries and parcels narrower than a patch are mapped at the image's resolution. The plain U-Net trains from scratch and is fast on a CPU; the ResNet-18/34 encoders load ImageNet weights like the ResNets. Keep 32 px patches on 10 to 30 m imagery (64 px did worse there on real scenes); larger ones (64 to 256 px) pay off on sub-metre imagery, where a pixel needs wider context. Their patch-level scores count the labelled pixels of the validation patches.

ImageNet weights come from the 'Pretrained weights file', else from the torch hub cache (downloaded there when online). Offline, the error message says which file to copy where.

Defaults need no tuning: AdamW with warm-up and cosine decay, class-weighted loss, flips and rotations, early stopping on validation macro-F1 (the best epoch is kept).

The scores say how good the map will be: the map is classified, as 'Classify raster' would, around the validation polygons, and every pixel whose centre lies in one is scored against its class, borders included: overall accuracy, macro-F1 (every class counts the same) and kappa; the log warns when a class has an F1 below 0.5. The macro-F1 comes with its 95 % interval over the validation polygons: with only a few polygons per class the score is rough, and the log says so; then, on small datasets, the training polygons are also scored by cross-validation (one more training per fold, see 'Cross-validation'). The scores on the validation patches follow in the report (they are easier, and choose the epoch). Canceling after the first epoch keeps the best model so far.

The same seed on the CPU gives the same model. On a CUDA GPU, mixed precision is used and the batch is halved if the GPU runs out of memory. The Imagette menu also starts training as a background task.</source>
      <translation>Entraîne un réseau convolutif sur le jeu de données écrit par « Échantillonner des imagettes d'entraînement » et enregistre un fichier de modèle pour « Classer un raster », avec un rapport HTML.

Le choix par défaut, le U-Net (sans pré-entraînement), a donné les meilleures cartes sur de l'imagerie réelle : voir plus bas. Petit CNN : entraîné sans pré-entraînement, rapide sur CPU, tout nombre de bandes ; une classe par imagette, pour des imagettes de 16 à 64 px et quelques milliers d'imagettes. ResNet-18/34/50 : réseaux plus grands, affinés par défaut à partir des poids ImageNet ; utiles avec beaucoup d'imagettes, des classes subtiles, des images RVB ou RVB+PIR, et un GPU. Leur première couche est adaptée à vos bandes (rouge, vert et bleu trouvés par le nom des bandes, ou indiqués dans « Bandes RVB ») ; pour des imagettes de moins de 64 px, la tête du réseau ne sous-échantillonne pas, au lieu d'agrandir les imagettes.

Les U-Net sont des réseaux de segmentation : ils apprennent de chaque pixel étiqueté d'une imagette (les masques des polygones) et donnent une classe par pixel, si bien que les limites de classes et les parcelles plus étroites qu'une imagette sont cartographiées à la résolution de l'image. Le U-Net simple s'entraîne sans pré-entraînement et est rapide sur CPU ; les encodeurs ResNet-18/34 chargent les poids ImageNet comme les ResNet. Gardez des imagettes de 32 px sur de l'imagerie de 10 à 30 m (64 px ont fait moins bien sur des scènes réelles) ; des plus grandes (64 à 256 px) sont payantes sur de l'imagerie submétrique, où un pixel a besoin d'un contexte plus large. Leurs scores au niveau des imagettes comptent les pixels étiquetés des imagettes de validation.

Les poids ImageNet viennent du « Fichier de poids pré-entraînés », sinon du cache de torch hub (téléchargés là quand la machine est en ligne). Hors ligne, le message d'erreur dit quel fichier copier où.

Les valeurs par défaut ne demandent aucun réglage : AdamW avec montée progressive et décroissance en cosinus, perte pondérée par classe, retournements et rotations, arrêt précoce sur le F1 macro de validation (la meilleure époque est gardée).

Les scores disent ce que vaudra la carte : la carte est classée, comme le ferait « Classer un raster », autour des polygones de validation, et chaque pixel dont le centre se trouve dans l'un d'eux est comparé à sa classe, bordures comprises : précision globale, F1 macro (chaque classe compte autant) et kappa ; le journal avertit quand une classe a un F1 inférieur à 0,5. Le F1 macro est accompagné de son intervalle de confiance à 95 % sur les polygones de validation : avec seulement quelques polygones par classe le score est approximatif, et le journal le dit ; alors, sur de petits jeux de données, les polygones d'entraînement sont aussi évalués par validation croisée (un entraînement de plus par pli, voir « Validation croisée »). Les scores sur les imagettes de validation suivent dans le rapport (ils sont plus faciles, et choisissent l'époque). Annuler après la première époque garde le meilleur modèle obtenu.

La même graine sur le CPU donne le même modèle. Sur un GPU CUDA, la précision mixte est utilisée et le lot est divisé par deux si le GPU manque de mémoire. Le menu Imagette lance aussi l'entraînement en tâche de fond.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>The folder written by 'Sample training patches' (it holds dataset.json).</source>
      <translation>Le dossier écrit par « Échantillonner des imagettes d'entraînement » (il contient dataset.json).</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>U-Net (default): one class per pixel, from scratch, fast, any bands; the best maps on real imagery. Small CNN: one class per patch, from scratch, fast, any bands. ResNets: bigger, fine-tuned from ImageNet weights; best with many patches and a GPU. U-Nets on ResNet encoders: the same weights, per pixel.</source>
      <translation>U-Net (par défaut) : une classe par pixel, sans pré-entraînement, rapide, toutes bandes ; les meilleures cartes sur de l'imagerie réelle. Petit CNN : une classe par imagette, sans pré-entraînement, rapide, toutes bandes. ResNet : plus grands, affinés à partir des poids ImageNet ; meilleurs avec beaucoup d'imagettes et un GPU. U-Net sur encodeurs ResNet : les mêmes poids, par pixel.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Network</source>
      <translation>Réseau</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Weights to start from: a torchvision ResNet checkpoint (e.g. resnet18-f37072fd.pth) or an Imagette model file. Empty: ImageNet weights from the torch hub cache for ResNets.</source>
      <translation>Poids de départ : un point de contrôle ResNet de torchvision (par exemple resnet18-f37072fd.pth) ou un fichier de modèle Imagette. Vide : les poids ImageNet du cache de torch hub pour les ResNet.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Pretrained weights file</source>
      <translation>Fichier de poids pré-entraînés</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>PyTorch weights (*.pth *.pt *.ckpt);;All files (*.*)</source>
      <translation>Poids PyTorch (*.pth *.pt *.ckpt);;Tous les fichiers (*.*)</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Maximum passes over the training patches; early stopping usually ends sooner.</source>
      <translation>Nombre maximal de passages sur les imagettes d'entraînement ; l'arrêt précoce termine généralement plus tôt.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Epochs</source>
      <translation>Époques</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Patches per optimisation step. 32 to 128 suits most cases; on a GPU, larger batches are faster.</source>
      <translation>Imagettes par pas d'optimisation. 32 à 128 conviennent à la plupart des cas ; sur un GPU, de plus grands lots sont plus rapides.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <location filename="../plugin/engine/report.py" />
      <source>Batch size</source>
      <translation>Taille de lot</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Peak learning rate of AdamW. 0.001 for training from scratch; 0.0003 is often better when fine-tuning.</source>
      <translation>Taux d'apprentissage maximal d'AdamW. 0,001 pour un entraînement sans pré-entraînement ; 0,0003 est souvent meilleur pour affiner.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Learning rate</source>
      <translation>Taux d'apprentissage</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Auto takes a CUDA GPU, then an Apple GPU, then the CPU, and the log says which. CUDA fails clearly when there is none.</source>
      <translation>Auto prend un GPU CUDA, puis un GPU Apple, puis le CPU, et le journal dit lequel. CUDA échoue clairement quand il n'y en a pas.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Seed of weights, batch order and augmentation: on the CPU, the same seed gives the same model.</source>
      <translation>Graine des poids, de l'ordre des lots et de l'augmentation : sur le CPU, la même graine donne le même modèle.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>The trained model (.pt): weights, class table, bands, normalisation, scores, for 'Classify raster'.</source>
      <translation>Le modèle entraîné (.pt) : poids, table des classes, bandes, normalisation, scores, pour « Classer un raster ».</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>HTML report: learning curves, confusion matrix, per-class precision, recall and F1, parameters.</source>
      <translation>Rapport HTML : courbes d'apprentissage, matrice de confusion, exactitude de l'utilisateur et du producteur et F1 par classe, paramètres.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Training report</source>
      <translation>Rapport d'entraînement</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Fine-tune: every layer learns. Frozen backbone: only the last layer learns (fast, for few patches). No pretraining: random start, no weights file needed.</source>
      <translation>Affiner : toutes les couches apprennent. Tronc gelé : seule la dernière couche apprend (rapide, pour peu d'imagettes). Sans pré-entraînement : départ aléatoire, aucun fichier de poids nécessaire.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Use of pretrained weights</source>
      <translation>Usage des poids pré-entraînés</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Rare classes weigh as much as frequent ones in the loss, so the model cannot ignore them.</source>
      <translation>Les classes rares pèsent autant que les fréquentes dans la perte, pour que le modèle ne puisse pas les ignorer.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Weight classes by rarity</source>
      <translation>Pondérer les classes selon leur rareté</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Training stops after this many epochs without a better validation macro-F1; the best epoch is kept.</source>
      <translation>L'entraînement s'arrête après ce nombre d'époques sans meilleur F1 macro de validation ; la meilleure époque est gardée.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Early stopping patience (epochs, 0 = off)</source>
      <translation>Patience de l'arrêt précoce (époques, 0 = désactivé)</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Random flips and 90° rotations of training patches: land cover seen from above has no up or down.</source>
      <translation>Retournements et rotations de 90° aléatoires des imagettes d'entraînement : l'occupation du sol vue du ciel n'a ni haut ni bas.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Flip and rotate patches</source>
      <translation>Retourner et tourner les imagettes</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Random brightness gain and offset per band (0.1 = ±10 %), for images with varying illumination. 0 = off.</source>
      <translation>Gain et décalage de luminosité aléatoires par bande (0,1 = ±10 %), pour des images à l'éclairage variable. 0 = désactivé.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Radiometric jitter</source>
      <translation>Variation radiométrique</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Band numbers of red, green and blue, which receive the ImageNet colour filters. Empty: recognised from band names (red/rouge/R, B04...).</source>
      <translation>Numéros des bandes rouge, verte et bleue, qui reçoivent les filtres de couleur d'ImageNet. Vide : reconnues d'après le nom des bandes (red/rouge/R, B04...).</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>RGB bands for pretrained weights (e.g. 3,2,1)</source>
      <translation>Bandes RVB pour les poids pré-entraînés (par exemple 3,2,1)</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Also scores the map on every training polygon, each with a network trained without it (one more training per fold): steadier scores when validation polygons are few. The model is the same either way.</source>
      <translation>Évalue aussi la carte sur chaque polygone d'entraînement, chacun avec un réseau entraîné sans lui (un entraînement de plus par pli) : des scores plus stables quand les polygones de validation sont peu nombreux. Le modèle est le même dans les deux cas.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Cross-validation over the training polygons</source>
      <translation>Validation croisée sur les polygones d'entraînement</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Groups the training polygons are dealt into, class by class; each costs one training.</source>
      <translation>Groupes entre lesquels les polygones d'entraînement sont répartis, classe par classe ; chacun coûte un entraînement.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Cross-validation folds</source>
      <translation>Plis de la validation croisée</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>A larger dataset trains on a new random part of its patches this size each epoch, so epochs stay short and early stopping checks the validation score as often; over the epochs every patch is seen.</source>
      <translation>Un jeu de données plus grand s'entraîne à chaque époque sur une nouvelle part aléatoire de ses imagettes, de cette taille : les époques restent courtes et l'arrêt anticipé consulte le score de validation aussi souvent ; au fil des époques, chaque imagette est vue.</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Patches per epoch (0 = every patch)</source>
      <translation>Imagettes par époque (0 = toutes)</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Overall accuracy (map, validation polygons)</source>
      <translation>Précision globale (carte, polygones de validation)</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Macro-F1 (map, validation polygons)</source>
      <translation>F1 macro (carte, polygones de validation)</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Kappa (map, validation polygons)</source>
      <translation>Kappa (carte, polygones de validation)</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Macro-F1, low end of its 95 % interval over validation polygons</source>
      <translation>F1 macro, borne basse de son intervalle de confiance à 95 % sur les polygones de validation</translation>
    </message>
    <message>
      <location filename="../algorithms/train_classifier.py" />
      <source>Macro-F1, high end of its 95 % interval over validation polygons</source>
      <translation>F1 macro, borne haute de son intervalle de confiance à 95 % sur les polygones de validation</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>Imagette without QGIS: classify a raster with a model file written by the QGIS plugin's 'Train patch classifier', on this machine or on a Dask cluster. The outputs are those of the Processing algorithm imagette:classifyraster: a GeoTIFF of class codes with its colour table, category names (.aux.xml) and QGIS style (.qml).</source>
      <translation>Imagette sans QGIS : classe un raster avec un fichier de modèle écrit par « Entraîner un classifieur d'imagettes » de l'extension QGIS, sur cette machine ou sur une grappe Dask. Les sorties sont celles de l'algorithme Processing imagette:classifyraster : un GeoTIFF de codes de classe avec sa table de couleurs, les noms des catégories (.aux.xml) et le style QGIS (.qml).</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>Classifies INPUT (any GDAL raster, a VRT over many tiles included) with MODEL and writes OUTPUT (.tif).

Without --workers or --scheduler the raster is classified in this process, tile by tile, as in QGIS.
With them, the output grid is cut into blocks of --block-size output pixels (rounded to whole tiles); each
block is one Dask task that reads its window plus halo and writes OUTPUT.parts/&lt;block&gt;.tif; the parts are
then assembled into OUTPUT. The map is the same, pixel for pixel, as the one-process map. A failed block
is retried twice; a run that stops (Ctrl+C, a job's time limit, --stop-after) is resumed by running the
same command again: finished blocks are not redone. Maps over 10^10 output pixels, or with --vrt, are
written as OUTPUT's name with .vrt over the part files (kept) instead of one GeoTIFF.
Dask is optional: pip install "dask[distributed]".
</source>
      <translation>Classe INPUT (tout raster GDAL, y compris un VRT sur de nombreuses tuiles) avec MODEL et écrit OUTPUT (.tif).

Sans --workers ni --scheduler, le raster est classé dans ce processus, tuile par tuile, comme dans QGIS.
Avec eux, la grille de sortie est découpée en blocs de --block-size pixels de sortie (arrondis à des tuiles
entières) ; chaque bloc est une tâche Dask qui lit sa fenêtre et son halo et écrit OUTPUT.parts/&lt;block&gt;.tif ;
les parties sont ensuite assemblées dans OUTPUT. La carte est la même, pixel pour pixel, que celle d'un seul
processus. Un bloc en échec est relancé deux fois ; une exécution qui s'arrête (Ctrl+C, limite de temps d'une
tâche, --stop-after) reprend en relançant la même commande : les blocs terminés ne sont pas refaits. Les cartes
de plus de 10^10 pixels de sortie, ou avec --vrt, sont écrites sous le nom d'OUTPUT avec .vrt, au-dessus des
fichiers des parties (gardés), au lieu d'un seul GeoTIFF.
Dask est facultatif : pip install "dask[distributed]".
</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>%(prog)s: error: %(message)s
</source>
      <translation>%(prog)s : erreur : %(message)s
</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>the following arguments are required: %s</source>
      <translation>les arguments suivants sont obligatoires : %s</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>unrecognized arguments: %s</source>
      <translation>arguments non reconnus : %s</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>argument %(argument_name)s: %(message)s</source>
      <translation>argument %(argument_name)s : %(message)s</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>invalid choice: %(value)r (choose from %(choices)s)</source>
      <translation>choix invalide : %(value)r (choisissez parmi %(choices)s)</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>invalid %(type)s value: %(value)r</source>
      <translation>valeur %(type)s invalide : %(value)r</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>not allowed with argument %s</source>
      <translation>interdit avec l'argument %s</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>expected one argument</source>
      <translation>un argument est attendu</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>ignored explicit argument %r</source>
      <translation>argument explicite ignoré : %r</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>ambiguous option: %(option)s could match %(matches)s</source>
      <translation>option ambiguë : %(option)s peut correspondre à %(matches)s</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>usage: </source>
      <translation>utilisation : </translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>options</source>
      <translation>options </translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>show this help message and exit</source>
      <translation>affiche cette aide et quitte</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>must be a whole number, not {value}</source>
      <translation>doit être un nombre entier, et non {value}</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>must be 1 or more, not {value}</source>
      <translation>doit valoir 1 ou plus, et non {value}</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>positional arguments</source>
      <translation>arguments positionnels </translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>show program's version number and exit</source>
      <translation>affiche le numéro de version du programme et quitte</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>classify a raster with a model file into a styled GeoTIFF of class codes</source>
      <translation>classe un raster avec un fichier de modèle en un GeoTIFF stylé de codes de classe</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>raster to classify (any GDAL raster or VRT)</source>
      <translation>raster à classer (tout raster GDAL ou VRT)</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>model file (.pt) written by training, run with PyTorch; or an ONNX file (.onnx) exported from one in the Imagette format, run with ONNX Runtime (PyTorch then need not be installed, on Dask workers neither)</source>
      <translation>fichier de modèle (.pt) écrit par l'entraînement, exécuté avec PyTorch ; ou fichier ONNX (.onnx) exporté de l'un d'eux au format Imagette, exécuté avec ONNX Runtime (PyTorch est alors inutile, sur les workers Dask non plus)</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>GeoTIFF of class codes to write (.tif)</source>
      <translation>GeoTIFF de codes de classe à écrire (.tif)</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>output pixel size in input pixels (default 0: an eighth of the patch; 1 for segmentation networks)</source>
      <translation>taille du pixel de sortie en pixels d'entrée (par défaut 0 : un huitième de l'imagette ; 1 pour les réseaux de segmentation)</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>dense (fast, default) or patch (each patch alone, as in training: the exact reference, slow)</source>
      <translation>dense (rapide, par défaut) ou patch (chaque imagette seule, comme à l'entraînement : la référence exacte, lente)</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>where the network runs (default auto)</source>
      <translation>où le réseau s'exécute (par défaut auto)</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>patches per batch (default: sized to the device's memory)</source>
      <translation>imagettes par lot (par défaut : selon la mémoire du périphérique)</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>what runs the network (default auto: pytorch for a model file .pt, onnxruntime for an .onnx file); choosing one refuses a model it cannot run</source>
      <translation>ce qui exécute le réseau (par défaut auto : pytorch pour un fichier de modèle .pt, onnxruntime pour un fichier .onnx) ; en choisir un refuse un modèle qu'il ne peut pas exécuter</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>also write the top-class probability (.tif)</source>
      <translation>écrit aussi la probabilité de la classe retenue (.tif)</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>start a local Dask cluster of N single-threaded worker processes</source>
      <translation>démarre une grappe Dask locale de N processus workers à un seul fil</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>use the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786)</source>
      <translation>utilise la grappe Dask dont l'ordonnanceur est à ADDRESS (tcp://hôte:8786)</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>output pixels per block side, rounded down to whole tiles (default 1024; with Dask only)</source>
      <translation>pixels de sortie par côté de bloc, arrondis à des tuiles entières inférieures (par défaut 1024 ; avec Dask seulement)</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>with Dask: write a VRT over the block files instead of one GeoTIFF</source>
      <translation>avec Dask : écrit un VRT au-dessus des fichiers des blocs au lieu d'un seul GeoTIFF</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>with Dask: keep OUTPUT.parts/ after assembling the GeoTIFF</source>
      <translation>avec Dask : garde OUTPUT.parts/ après l'assemblage du GeoTIFF</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>with Dask: stop once this run has classified N blocks (to fit a job's time limit); run again to resume</source>
      <translation>avec Dask : s'arrête une fois que cette exécution a classé N blocs (pour tenir dans la limite de temps d'une tâche) ; relancez pour reprendre</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>Warning: {message}</source>
      <translation>Avertissement : {message}</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>{option} applies to Dask runs only: add --workers N or --scheduler ADDRESS.</source>
      <translation>{option} ne s'applique qu'aux exécutions sur Dask : ajoutez --workers N ou --scheduler ADDRESS.</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>Wrote '{path}' ({width} x {height} px, method {method}).</source>
      <translation>Carte écrite dans « {path} » ({width} x {height} px, méthode {method}).</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>Wrote '{path}': {classified} block(s) classified, {skipped} found done, in {seconds} s.</source>
      <translation>Carte écrite dans « {path} » : {classified} bloc(s) classé(s), {skipped} trouvé(s) déjà faits, en {seconds} s.</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>imagette: error: {message}</source>
      <translation>imagette : erreur : {message}</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>{problem} The engine needs numpy and rasterio, and torch&gt;=2.3 for model files (.pt): {command} (from the plugin folder: {extras}, or {onnx} for ONNX Runtime alone, which runs exported .onnx models)</source>
      <translation>{problem} Le moteur a besoin de numpy et de rasterio, et de torch&gt;=2.3 pour les fichiers de modèle (.pt) : {command} (depuis le dossier de l'extension : {extras}, ou {onnx} pour ONNX Runtime seul, qui exécute les modèles .onnx exportés)</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>imagette: stopped. Run the same command again to resume a Dask run.</source>
      <translation>imagette : arrêté. Relancez la même commande pour reprendre une exécution sur Dask.</translation>
    </message>
    <message>
      <location filename="../plugin/cli.py" />
      <source>imagette: stopped by SIGTERM; no output was replaced. Run the same command again to resume a Dask run.</source>
      <translation>imagette : arrêté par SIGTERM ; aucune sortie n'a été remplacée. Relancez la même commande pour reprendre une exécution sur Dask.</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>pip is not installed for this Python: first run  {command}</source>
      <translation>pip n'est pas installé pour ce Python : lancez d'abord  {command}</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>PyTorch is not installed in the Python that QGIS uses ({python}).</source>
      <translation>PyTorch n'est pas installé dans le Python qu'utilise QGIS ({python}).</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>Install PyTorch with:  {command}</source>
      <translation>Installez PyTorch avec :  {command}</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>For a CPU-only build (much smaller), add:  {option}</source>
      <translation>Pour une version CPU seule (bien plus légère), ajoutez :  {option}</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>On Windows, run the command in the OSGeo4W Shell that came with QGIS.</source>
      <translation>Sous Windows, lancez la commande dans l'OSGeo4W Shell installé avec QGIS.</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>On macOS, use the python3 inside QGIS.app (Contents/MacOS/bin/python3).</source>
      <translation>Sous macOS, utilisez le python3 de QGIS.app (Contents/MacOS/bin/python3).</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>Then restart QGIS.</source>
      <translation>Puis redémarrez QGIS.</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>rasterio is not installed in the Python that QGIS uses ({python}).</source>
      <translation>rasterio n'est pas installé dans le Python qu'utilise QGIS ({python}).</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>Install Debian's package, which uses QGIS's own GDAL:  sudo apt install python3-rasterio</source>
      <translation>Installez le paquet Debian, qui utilise le GDAL de QGIS :  sudo apt install python3-rasterio</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>Install python3-rasterio with the OSGeo4W installer that installed QGIS (Advanced install).</source>
      <translation>Installez python3-rasterio avec l'installateur OSGeo4W qui a installé QGIS (installation avancée).</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>Install it with:  {command}</source>
      <translation>Installez-le avec :  {command}</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>Exporting to ONNX needs the onnx package, which is not installed in the Python that QGIS uses ({python}).</source>
      <translation>L'export en ONNX demande le paquet onnx, qui n'est pas installé dans le Python qu'utilise QGIS ({python}).</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>Install it, with ONNX Runtime to run the exported models, with:  {command}</source>
      <translation>Installez-le, avec ONNX Runtime pour exécuter les modèles exportés, avec :  {command}</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>Classifying with an ONNX model (.onnx) needs ONNX Runtime, which is not installed in the Python that QGIS uses ({python}).</source>
      <translation>Classer avec un modèle ONNX (.onnx) demande ONNX Runtime, qui n'est pas installé dans le Python qu'utilise QGIS ({python}).</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>Install it with:  {command}  (or classify the model file (.pt) with PyTorch)</source>
      <translation>Installez-le avec :  {command}  (ou classez le fichier de modèle (.pt) avec PyTorch)</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>Imagette deep-learning environment</source>
      <translation>Environnement d'apprentissage profond d'Imagette</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>What to do:</source>
      <translation>Que faire :</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>torch {version} on {device}</source>
      <translation>torch {version} sur {device}</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>no PyTorch</source>
      <translation>pas de PyTorch</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>{torch}; cannot be imported: {modules} (the log and report say what to install).</source>
      <translation>{torch} ; ne peut pas être importé : {modules} (le journal et le rapport disent quoi installer).</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>{torch}; {count} thing(s) to fix (the log and report say how).</source>
      <translation>{torch} ; {count} point(s) à corriger (le journal et le rapport disent comment).</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>{torch}; everything Imagette needs is in place.</source>
      <translation>{torch} ; tout ce dont Imagette a besoin est en place.</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>What to do</source>
      <translation>Que faire</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <location filename="../plugin/engine/report.py" />
      <source>Software</source>
      <translation>Logiciels</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>numpy cannot be imported: QGIS's Python installation is broken; reinstall QGIS (Debian: python3-numpy).</source>
      <translation>numpy ne peut pas être importé : l'installation Python de QGIS est défectueuse ; réinstallez QGIS (Debian : python3-numpy).</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>rasterio runs GDAL {rasterio} and QGIS GDAL {qgis}: two GDAL libraries in one process can crash QGIS. Use the rasterio that comes with QGIS (Debian/Ubuntu: python3-rasterio; OSGeo4W: python3-rasterio) and uninstall the pip one.</source>
      <translation>rasterio utilise GDAL {rasterio} et QGIS GDAL {qgis} : deux bibliothèques GDAL dans un même processus peuvent faire planter QGIS. Utilisez le rasterio fourni avec QGIS (Debian/Ubuntu : python3-rasterio ; OSGeo4W : python3-rasterio) et désinstallez celui de pip.</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>cannot be imported ({problem})</source>
      <translation>ne peut pas être importé ({problem})</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>exporting models to ONNX</source>
      <translation>l'export des modèles en ONNX</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>running exported ONNX models</source>
      <translation>l'exécution des modèles ONNX exportés</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>cannot be imported, needed only for {purpose} ({problem}): {command}</source>
      <translation>ne peut pas être importé, nécessaire seulement pour {purpose} ({problem}) : {command}</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>ONNX Runtime providers</source>
      <translation>Fournisseurs d'ONNX Runtime</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>unknown</source>
      <translation>inconnue</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>yes</source>
      <translation>oui</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>no</source>
      <translation>non</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>Built for CUDA</source>
      <translation>Compilé pour CUDA</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>no (CPU-only build)</source>
      <translation>non (version CPU seule)</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>CPU threads</source>
      <translation>Fils d'exécution CPU</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>{threads} (of {cores} logical cores)</source>
      <translation>{threads} (sur {cores} cœurs logiques)</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>CUDA available</source>
      <translation>CUDA disponible</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>CUDA device {index}</source>
      <translation>Périphérique CUDA {index}</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>{name}, {total} GiB ({free} GiB free), compute capability {capability}</source>
      <translation>{name}, {total} Gio ({free} Gio libres), capacité de calcul {capability}</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>Apple MPS available</source>
      <translation>Apple MPS disponible</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>yes (memory shared with the CPU)</source>
      <translation>oui (mémoire partagée avec le CPU)</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>DEVICE 'auto' uses</source>
      <translation>Périphérique qu'utilise « auto »</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>torch {version} is too old for Imagette; upgrade it:  {command}</source>
      <translation>torch {version} est trop ancien pour Imagette ; mettez-le à jour :  {command}</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>An NVIDIA GPU is present but this torch is a CPU-only build. Install a CUDA build (pick the CUDA version your driver supports, see https://pytorch.org/get-started/locally/):  {command}</source>
      <translation>Un GPU NVIDIA est présent mais ce torch est une version CPU seule. Installez une version CUDA (choisissez la version de CUDA que votre pilote prend en charge, voir https://pytorch.org/get-started/locally/) :  {command}</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>This torch is built for CUDA {cuda} but sees no GPU: update the NVIDIA driver (nvidia-smi shows the CUDA version it supports) or install a torch built for an older CUDA.</source>
      <translation>Ce torch est compilé pour CUDA {cuda} mais ne voit aucun GPU : mettez à jour le pilote NVIDIA (nvidia-smi indique la version de CUDA qu'il prend en charge) ou installez un torch compilé pour un CUDA plus ancien.</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>torch hub cache</source>
      <translation>cache de torch hub</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>{folder} (TORCH_HOME moves it)</source>
      <translation>{folder} (TORCH_HOME le déplace)</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <location filename="../plugin/engine/report.py" />
      <source>Pretrained weights</source>
      <translation>Poids pré-entraînés</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>present</source>
      <translation>présent</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>absent</source>
      <translation>absent</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>{architecture} ImageNet weights</source>
      <translation>Poids ImageNet de {architecture}</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>Offline use</source>
      <translation>Utilisation hors ligne</translation>
    </message>
    <message>
      <location filename="../plugin/deps.py" />
      <source>absent files are downloaded on first use when online; otherwise copy them from {address}, names unchanged, to {folder}, or give a file as 'Pretrained weights file'</source>
      <translation>les fichiers absents sont téléchargés à la première utilisation quand la machine est en ligne ; sinon copiez-les depuis {address}, sans changer leur nom, dans {folder}, ou donnez un fichier comme « Fichier de poids pré-entraînés »</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>metre</source>
      <translation>mètre</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>sample point</source>
      <translation>point d'échantillon</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>sample point(s)</source>
      <translation>point(s) d'échantillon</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>sample points</source>
      <translation>points d'échantillon</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <location filename="../plugin/engine/assessment_report.py" />
      <source>pixel</source>
      <translation>pixel</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>pixel(s)</source>
      <translation>pixel(s)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <location filename="../plugin/engine/assessment_report.py" />
      <source>pixels</source>
      <translation>pixels</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>The raster '{raster}' holds fractional values: it is not a classification (class codes are whole numbers). Give a raster of class codes, such as the output of 'Classify raster'.</source>
      <translation>Le raster « {raster} » contient des valeurs décimales : ce n'est pas une classification (les codes de classe sont des nombres entiers). Donnez un raster de codes de classe, comme la sortie de « Classer un raster ».</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>Reference class '{name}' (code {code}) does not occur in the map: its {count} {units} are all mapped as other classes.</source>
      <translation>La classe de référence « {name} » (code {code}) n'apparaît pas dans la carte : ses {count} {units} sont tous cartographiés dans d'autres classes.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>Map class '{name}' (code {code}, {pixels} pixels) has no reference {unit}: its user's accuracy is measured only by what other classes' references say.</source>
      <translation>La classe de la carte « {name} » (code {code}, {pixels} pixels) n'a aucun {unit} de référence : son exactitude de l'utilisateur ne se mesure que par ce qu'en disent les références des autres classes.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>Map class '{name}' ({share} of the map) holds no sample point: the area-adjusted estimates leave its share of the map out. Add points in every map class.</source>
      <translation>La classe de la carte « {name} » ({share} de la carte) ne contient aucun point d'échantillon : les estimations ajustées selon les surfaces laissent sa part de la carte de côté. Ajoutez des points dans chaque classe de la carte.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>Map class(es) {names} hold a single sample point: no confidence interval can be computed where they count. Olofsson et al. (2014) suggest 50 to 100 points per map class.</source>
      <translation>Les classes de la carte {names} ne contiennent qu'un point d'échantillon : aucun intervalle de confiance ne peut être calculé là où elles comptent. Olofsson et al. (2014) conseillent 50 à 100 points par classe de la carte.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>Only {share} of the reference {units} have a class the map gives: the reference's class(es) {absent} never occur in the map, whose classes are {given}. Check that the class field holds the map's class codes (or its class names): the scores below mean nothing otherwise.</source>
      <translation>Seuls {share} des {units} de référence ont une classe que donne la carte : les classes de la référence {absent} n'apparaissent jamais dans la carte, dont les classes sont {given}. Vérifiez que le champ de classe contient les codes de classe de la carte (ou ses noms de classe) : sinon les scores ci-dessous n'ont aucun sens.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <location filename="../plugin/engine/report.py" />
      <location filename="../plugin/engine/sampling.py" />
      <source>none</source>
      <translation>aucune</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>The map agrees with the reference no better than chance (kappa {kappa}): check that the class field holds the map's class codes (or its class names) in the same nomenclature, before reading the scores as the map's.</source>
      <translation>La carte ne s'accorde pas mieux avec la référence que le hasard (kappa {kappa}) : vérifiez que le champ de classe contient les codes de classe de la carte (ou ses noms de classe) dans la même nomenclature, avant de lire les scores comme ceux de la carte.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>The reference layer has no feature with a class: nothing to assess the map with.</source>
      <translation>La couche de référence n'a aucune entité avec une classe : rien pour évaluer la carte.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>The reference mixes points and polygons: give one kind of geometry.</source>
      <translation>La référence mélange points et polygones : donnez un seul type de géométrie.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <location filename="../plugin/engine/map_classes.py" />
      <source>Cannot read the classification '{path}': {problem}</source>
      <translation>Impossible de lire la classification « {path} » : {problem}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>The raster '{path}' is complex-valued: not a classification.</source>
      <translation>Le raster « {path} » a des valeurs complexes : ce n'est pas une classification.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>The classification has {bands} bands: only band 1 is assessed.</source>
      <translation>La classification a {bands} bandes : seule la bande 1 est évaluée.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>No reference point lies inside the classification ({outside} of {total} reference features lie wholly outside it). Check that the reference covers the map's area and that both have the right coordinate reference system.</source>
      <translation>Aucun point de référence ne se trouve dans la classification ({outside} des {total} entités de référence sont entièrement en dehors). Vérifiez que la référence couvre l'emprise de la carte et que toutes deux ont le bon système de coordonnées de référence.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>No reference pixel lies inside the classification ({outside} of {total} reference features lie wholly outside it; a polygon counts only the pixels whose centre it holds). Check that the reference covers the map's area and that both have the right coordinate reference system.</source>
      <translation>Aucun pixel de référence ne se trouve dans la classification ({outside} des {total} entités de référence sont entièrement en dehors ; un polygone ne compte que les pixels dont il contient le centre). Vérifiez que la référence couvre l'emprise de la carte et que toutes deux ont le bon système de coordonnées de référence.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>All {count} reference point(s) inside the classification fall on its nodata: there is nothing to score. Check that the map covers the reference, and its nodata value.</source>
      <translation>Les {count} point(s) de référence situés dans la classification tombent tous sur ses nodata : il n'y a rien à évaluer. Vérifiez que la carte couvre la référence, et sa valeur nodata.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>All {count} reference pixel(s) inside the classification fall on its nodata: there is nothing to score. Check that the map covers the reference, and its nodata value.</source>
      <translation>Les {count} pixel(s) de référence situés dans la classification tombent tous sur ses nodata : il n'y a rien à évaluer. Vérifiez que la carte couvre la référence, et sa valeur nodata.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>{count} reference {units} fall on map nodata ({share} of the reference): the scores count them against the map, as unclassified (a map that gives no class there has failed there); on the mapped area alone, overall accuracy is {accuracy}.</source>
      <translation>{count} {units} de référence tombent sur les nodata de la carte ({share} de la référence) : les scores les comptent contre la carte, comme non classés (une carte qui n'y donne aucune classe y a échoué) ; sur la seule zone cartographiée, la précision globale est de {accuracy}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>{count} reference {units} fall on map nodata ({share} of the reference): they are left out of the scores, which describe the mapped area only.</source>
      <translation>{count} {units} de référence tombent sur les nodata de la carte ({share} de la référence) : ils sont laissés hors des scores, qui ne décrivent que la zone cartographiée.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>{count} pixel(s) lie inside overlapping polygons of different classes and are left out.</source>
      <translation>{count} pixel(s) se trouvent dans des polygones superposés de classes différentes et sont laissés de côté.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>{count} reference feature(s) lie wholly outside the map and count nothing.</source>
      <translation>{count} entité(s) de référence se trouvent entièrement hors de la carte et ne comptent rien.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment.py" />
      <source>CRS units</source>
      <translation>unités du SCR</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <location filename="../plugin/engine/dataset.py" />
      <source>point</source>
      <translation>point</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <location filename="../plugin/engine/dataset.py" />
      <source>points</source>
      <translation>points</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <location filename="../plugin/engine/report.py" />
      <source>total</source>
      <translation>total</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Rows: reference class; columns: map class; counts of {units}. The diagonal is agreement.</source>
      <translation>Lignes : classe de référence ; colonnes : classe de la carte ; effectifs en {units}. La diagonale est l'accord.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>The last column, reference on map nodata, counts against the map as unclassified (the headline scores).</source>
      <translation>La dernière colonne, la référence sur les nodata de la carte, compte contre la carte comme non classée (les scores principaux).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>The last column, reference on map nodata, is left out of every score.</source>
      <translation>La dernière colonne, la référence sur les nodata de la carte, est laissée hors de tous les scores.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>reference \ map</source>
      <translation>référence \ carte</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>unclassified (map nodata)</source>
      <translation>non classé (nodata de la carte)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <location filename="../plugin/engine/report.py" />
      <source>code</source>
      <translation>code</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <location filename="../plugin/engine/report.py" />
      <source>class</source>
      <translation>classe</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>reference</source>
      <translation>référence</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>mapped as</source>
      <translation>cartographié en</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>producer's accuracy</source>
      <translation>exactitude du producteur</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>user's accuracy</source>
      <translation>exactitude de l'utilisateur</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <location filename="../plugin/engine/report.py" />
      <source>map pixels</source>
      <translation>pixels de la carte</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Producer's accuracy (recall): share of the reference of a class that the map gives that class (1 − omission error). User's accuracy (precision): share of what the map calls a class that the reference agrees with (1 − commission error). F1: their harmonic mean. Macro-F1: the mean F1 of the classes that have reference. Kappa: agreement beyond what chance would give with the same class shares.</source>
      <translation>Exactitude du producteur (« rappel » en apprentissage automatique) : part de la référence d'une classe à laquelle la carte donne cette classe (1 − erreur d'omission). Exactitude de l'utilisateur (« précision » en apprentissage automatique) : part de ce que la carte range dans une classe avec laquelle la référence s'accorde (1 − erreur de commission). F1 : leur moyenne harmonique. F1 macro : la moyenne des F1 des classes qui ont une référence. Kappa : l'accord au-delà de ce que donnerait le hasard avec les mêmes parts de classes.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Area-adjusted overall accuracy: {accuracy}, from {count} points.</source>
      <translation>Précision globale ajustée selon les surfaces : {accuracy}, d'après {count} points.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Area-adjusted overall accuracy: {accuracy} (95 % confidence interval), from {count} points.</source>
      <translation>Précision globale ajustée selon les surfaces : {accuracy} (intervalle de confiance à 95 %), d'après {count} points.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Stratified estimators with the map classes as strata (Olofsson et al. 2014, eqs. 4–11): p&lt;sub&gt;ij&lt;/sub&gt; = W&lt;sub&gt;i&lt;/sub&gt; n&lt;sub&gt;ij&lt;/sub&gt; / n&lt;sub&gt;i.&lt;/sub&gt;; overall accuracy Σ p&lt;sub&gt;jj&lt;/sub&gt;; user's accuracy p&lt;sub&gt;ii&lt;/sub&gt; / p&lt;sub&gt;i.&lt;/sub&gt;; producer's accuracy p&lt;sub&gt;jj&lt;/sub&gt; / p&lt;sub&gt;.j&lt;/sub&gt;; area A&lt;sub&gt;j&lt;/sub&gt; = A × p&lt;sub&gt;.j&lt;/sub&gt;; ± is 1.96 standard errors (95 %). They are unbiased when the points were drawn at random within each map class (stratified random sampling), or by simple random or systematic sampling; not for points placed by hand. Olofsson, P. et al. (2014), Good practices for estimating area and assessing accuracy of land change, Remote Sensing of Environment 148, 42–57.</source>
      <translation>Estimateurs stratifiés, les classes de la carte servant de strates (Olofsson et al. 2014, éq. 4–11) : p&lt;sub&gt;ij&lt;/sub&gt; = W&lt;sub&gt;i&lt;/sub&gt; n&lt;sub&gt;ij&lt;/sub&gt; / n&lt;sub&gt;i.&lt;/sub&gt; ; précision globale Σ p&lt;sub&gt;jj&lt;/sub&gt; ; exactitude de l'utilisateur p&lt;sub&gt;ii&lt;/sub&gt; / p&lt;sub&gt;i.&lt;/sub&gt; ; exactitude du producteur p&lt;sub&gt;jj&lt;/sub&gt; / p&lt;sub&gt;.j&lt;/sub&gt; ; surface A&lt;sub&gt;j&lt;/sub&gt; = A × p&lt;sub&gt;.j&lt;/sub&gt; ; ± vaut 1,96 erreur type (95 %). Ils sont sans biais quand les points ont été tirés au hasard dans chaque classe de la carte (échantillonnage aléatoire stratifié), ou par échantillonnage aléatoire simple ou systématique ; pas pour des points placés à la main. Olofsson, P. et al. (2014), Good practices for estimating area and assessing accuracy of land change, Remote Sensing of Environment 148, 42–57.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>map class (stratum)</source>
      <translation>classe de la carte (strate)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>(map share)</source>
      <translation>(part de la carte)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>mapped area ({unit})</source>
      <translation>surface cartographiée ({unit})</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>estimated area ({unit})</source>
      <translation>surface estimée ({unit})</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Coverage (reference the map classifies)</source>
      <translation>Couverture (référence que la carte classe)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Reference {units} on map nodata count against the map, as unclassified; the mapped-area-only overall accuracy leaves them out.</source>
      <translation>Les {units} de référence sur les nodata de la carte comptent contre elle, comme non classés ; la précision globale de la seule zone cartographiée les laisse de côté.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Reference {units} on map nodata are left out: the scores describe the mapped area only.</source>
      <translation>Les {units} de référence sur les nodata de la carte sont laissés de côté : les scores ne décrivent que la zone cartographiée.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>points (one pixel each)</source>
      <translation>points (un pixel chacun)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>polygons (pixels whose centre is inside)</source>
      <translation>polygones (pixels dont le centre est à l'intérieur)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Reference</source>
      <translation>Référence</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>{count} features</source>
      <translation>{count} entités</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Reference kind</source>
      <translation>Type de référence</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Reference {units} counted</source>
      <translation>Nombre de {units} de référence comptés</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Reference {units} on map nodata</source>
      <translation>Nombre de {units} de référence sur les nodata de la carte</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Pixels in overlaps of different classes (left out)</source>
      <translation>Pixels dans des superpositions de classes différentes (laissés de côté)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Reference features outside the map</source>
      <translation>Entités de référence hors de la carte</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Map pixels (classified / nodata)</source>
      <translation>Pixels de la carte (classés / nodata)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Pixel area</source>
      <translation>Surface d'un pixel</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>{area} square {unit}</source>
      <translation>{area} ({unit} au carré)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Imagette accuracy assessment</source>
      <translation>Évaluation de la précision Imagette</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <location filename="../plugin/engine/report.py" />
      <source>Written {time} UTC.</source>
      <translation>Écrit le {time} UTC.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Scores count reference {units}: every {unit} weighs the same.</source>
      <translation>Les scores comptent des {units} de référence : chaque {unit} pèse autant.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <location filename="../plugin/engine/report.py" />
      <source>Confusion matrix</source>
      <translation>Matrice de confusion</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <location filename="../plugin/engine/report.py" />
      <source>Per-class scores</source>
      <translation>Scores par classe</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Area-adjusted estimates</source>
      <translation>Estimations ajustées selon les surfaces</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>The reference is polygons, not a random sample: the scores describe agreement on those polygons and cannot be turned into unbiased map-wide accuracy or class areas. For those, assess with points drawn at random within each map class (see docs/accuracy.md).</source>
      <translation>La référence est faite de polygones, pas d'un échantillon aléatoire : les scores décrivent l'accord sur ces polygones et ne peuvent pas donner une précision sans biais sur toute la carte ni des surfaces de classes. Pour cela, évaluez avec des points tirés au hasard dans chaque classe de la carte (voir docs/accuracy.md).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <source>Inputs</source>
      <translation>Entrées</translation>
    </message>
    <message>
      <location filename="../plugin/engine/assessment_report.py" />
      <location filename="../plugin/engine/report.py" />
      <source>en</source>
      <translation>fr</translation>
    </message>
    <message>
      <location filename="../plugin/engine/batches.py" />
      <source>The dataset '{path}' has labels missing from its class table. Sample the patches again.</source>
      <translation>Le jeu de données « {path} » a des étiquettes absentes de sa table des classes. Échantillonnez à nouveau les imagettes.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/batches.py" />
      <source>The dataset '{path}' was sampled by an earlier version of Imagette and has no per-pixel masks, which segmentation networks learn from. Sample the patches again with 'Sample training patches' (or choose a patch classifier).</source>
      <translation>Le jeu de données « {path} » a été échantillonné par une version antérieure d'Imagette et n'a pas de masques par pixel, dont les réseaux de segmentation apprennent. Échantillonnez à nouveau les imagettes avec « Échantillonner des imagettes d'entraînement » (ou choisissez un classifieur d'imagettes).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/batches.py" />
      <source>The dataset's masks hold class codes missing from its class table. Sample again.</source>
      <translation>Les masques du jeu de données contiennent des codes de classe absents de sa table des classes. Échantillonnez à nouveau.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/blocks.py" />
      <source>the block file</source>
      <translation>le fichier de bloc</translation>
    </message>
    <message>
      <location filename="../plugin/engine/blocks.py" />
      <source>The folder '{parts}' holds blocks of another classification (other raster, model, stride, method or block size). Run again with the same arguments to resume it, or delete the folder to start afresh.</source>
      <translation>Le dossier « {parts} » contient les blocs d'une autre classification (autre raster, modèle, pas, méthode ou taille de bloc). Relancez avec les mêmes arguments pour la reprendre, ou supprimez le dossier pour repartir de zéro.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/blocks.py" />
      <source>The model file '{path}' changed since the classification started: its blocks would not form one map. Start the classification again.</source>
      <translation>Le fichier de modèle « {path} » a changé depuis le début de la classification : ses blocs ne formeraient pas une seule carte. Relancez la classification depuis le début.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/blocks.py" />
      <source>{count} block(s) of '{parts}' are missing: run the same command again to finish.</source>
      <translation>{count} bloc(s) de « {parts} » manquent : relancez la même commande pour terminer.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/candidates.py" />
      <source>patch crosses the raster edge</source>
      <translation>imagette à cheval sur le bord du raster</translation>
    </message>
    <message>
      <location filename="../plugin/engine/candidates.py" />
      <source>patch holds more nodata than tolerated</source>
      <translation>imagette avec plus de nodata que toléré</translation>
    </message>
    <message>
      <location filename="../plugin/engine/candidates.py" />
      <source>too little of the patch inside its own class</source>
      <translation>trop peu de l'imagette dans sa propre classe</translation>
    </message>
    <message>
      <location filename="../plugin/engine/candidates.py" />
      <source>patch centre on nodata</source>
      <translation>centre de l'imagette sur des nodata</translation>
    </message>
    <message>
      <location filename="../plugin/engine/candidates.py" />
      <source>over the per-class cap</source>
      <translation>au-delà du plafond par classe</translation>
    </message>
    <message>
      <location filename="../plugin/engine/candidates.py" />
      <source>feature outside the raster</source>
      <translation>entité hors du raster</translation>
    </message>
    <message>
      <location filename="../plugin/engine/candidates.py" />
      <source>The vector layer does not overlap the raster: no feature lies inside the raster's extent. Check that both layers cover the same place and that their CRS are set correctly.</source>
      <translation>La couche vecteur ne recouvre pas le raster : aucune entité ne se trouve dans l'emprise du raster. Vérifiez que les deux couches couvrent le même lieu et que leurs SCR sont bien définis.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/candidates.py" />
      <source>{count} feature(s) are too small for {centres} patch centres on the grid of {spacing} px: their grid is tightened (down to {least} px).</source>
      <translation>{count} entité(s) sont trop petites pour {centres} centres d'imagettes sur la grille de {spacing} px : leur grille est resserrée (jusqu'à {least} px).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>Small CNN (from scratch)</source>
      <translation>Petit CNN (sans pré-entraînement)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>ResNet-18</source>
      <translation>ResNet-18</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>ResNet-34</source>
      <translation>ResNet-34</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>ResNet-50</source>
      <translation>ResNet-50</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>U-Net (from scratch)</source>
      <translation>U-Net (sans pré-entraînement)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>U-Net, ResNet-18 encoder</source>
      <translation>U-Net, encodeur ResNet-18</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>U-Net, ResNet-34 encoder</source>
      <translation>U-Net, encodeur ResNet-34</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>Auto (CUDA GPU, then Apple GPU, then CPU)</source>
      <translation>Auto (GPU CUDA, puis GPU Apple, puis CPU)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>CPU</source>
      <translation>CPU</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>CUDA GPU</source>
      <translation>GPU CUDA</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>Fine-tune every layer</source>
      <translation>Affiner toutes les couches</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>Frozen backbone: train the classification layer only</source>
      <translation>Tronc gelé : n'entraîner que la couche de classification</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>No pretraining: start from random weights</source>
      <translation>Sans pré-entraînement : partir de poids aléatoires</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>Automatic: when a class has fewer than 3 validation polygons, on small datasets</source>
      <translation>Automatique : quand une classe a moins de 3 polygones de validation, sur les petits jeux de données</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>Always</source>
      <translation>Toujours</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>Never</source>
      <translation>Jamais</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>Dense (fast)</source>
      <translation>Dense (rapide)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>Per-patch (exact reference, slow)</source>
      <translation>Par imagette (référence exacte, lente)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>dense</source>
      <translation>dense</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>per_patch</source>
      <translation>par imagette</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>per_pixel</source>
      <translation>par pixel</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>Auto (PyTorch for a model file .pt, ONNX Runtime for an .onnx file)</source>
      <translation>Auto (PyTorch pour un fichier de modèle .pt, ONNX Runtime pour un fichier .onnx)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>PyTorch</source>
      <translation>PyTorch</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>ONNX Runtime</source>
      <translation>ONNX Runtime</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>Unknown engine {engine}; choose one of {choices}.</source>
      <translation>Moteur inconnu {engine} ; choisissez parmi {choices}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>PyTorch was asked for, but '{name}' is an ONNX file: PyTorch runs the model files (.pt) that 'Train patch classifier' writes. Choose the engine ONNX Runtime (or Auto) for this file, or give the model file (.pt) it was exported from.</source>
      <translation>PyTorch a été demandé, mais « {name} » est un fichier ONNX : PyTorch exécute les fichiers de modèle (.pt) qu'écrit « Entraîner un classifieur d'imagettes ». Choisissez le moteur ONNX Runtime (ou Auto) pour ce fichier, ou donnez le fichier de modèle (.pt) dont il a été exporté.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/choices.py" />
      <source>ONNX Runtime was asked for, but '{name}' is not an ONNX file (.onnx): ONNX Runtime runs models exported from a model file. Export the model first with 'Export model to ONNX' (imagette:exportmodel) and classify the .onnx file, or choose the engine PyTorch (or Auto) for this model file.</source>
      <translation>ONNX Runtime a été demandé, mais « {name} » n'est pas un fichier ONNX (.onnx) : ONNX Runtime exécute les modèles exportés d'un fichier de modèle. Exportez d'abord le modèle avec « Exporter le modèle en ONNX » (imagette:exportmodel) et classez le fichier .onnx, ou choisissez le moteur PyTorch (ou Auto) pour ce fichier de modèle.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/classes.py" />
      <source>Class code {code} cannot be used: 0 marks 'no class' (nodata) in the classification and codes must lie between 1 and {largest}. Recode that class in the class field, or use a text field.</source>
      <translation>Le code de classe {code} ne peut pas être utilisé : 0 signifie « aucune classe » (nodata) dans la classification et les codes doivent être compris entre 1 et {largest}. Recodez cette classe dans le champ de classe, ou utilisez un champ texte.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/cross_validation.py" />
      <source>Cross-validation is on, as asked: once this network is trained, more networks are trained without part of the training {labels} to score the map on those too (their cost is said before they start).</source>
      <translation>La validation croisée est activée, comme demandé : une fois ce réseau entraîné, d'autres réseaux sont entraînés sans une partie des {labels} d'entraînement pour évaluer aussi la carte sur ceux-ci (leur coût est annoncé avant qu'ils ne commencent).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/cross_validation.py" />
      <source>Few validation {labels} for {classes}, but {patches} training patches: cross-validation would train {folds} more networks of that size, so it is off. Set 'Cross-validation' to 'Always' to get it.</source>
      <translation>Peu de {labels} de validation pour {classes}, mais {patches} imagettes d'entraînement : la validation croisée entraînerait {folds} réseaux de plus de cette taille, elle est donc désactivée. Réglez « Validation croisée » sur « Toujours » pour l'obtenir.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/cross_validation.py" />
      <source>Cross-validation is on: {classes} has fewer than {least} validation {labels}, so once this network is trained, more networks are trained without part of the training {labels} to score the map on those too (their cost is said before they start; set 'Cross-validation' to 'Never' to skip them).</source>
      <translation>La validation croisée est activée : {classes} a moins de {least} {labels} de validation, donc une fois ce réseau entraîné, d'autres réseaux sont entraînés sans une partie des {labels} d'entraînement pour évaluer aussi la carte sur ceux-ci (leur coût est annoncé avant qu'ils ne commencent ; réglez « Validation croisée » sur « Jamais » pour s'en passer).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/cross_validation.py" />
      <source>Cross-validation is on: {classes} have fewer than {least} validation {labels}, so once this network is trained, more networks are trained without part of the training {labels} to score the map on those too (their cost is said before they start; set 'Cross-validation' to 'Never' to skip them).</source>
      <translation>La validation croisée est activée : {classes} ont moins de {least} {labels} de validation, donc une fois ce réseau entraîné, d'autres réseaux sont entraînés sans une partie des {labels} d'entraînement pour évaluer aussi la carte sur ceux-ci (leur coût est annoncé avant qu'ils ne commencent ; réglez « Validation croisée » sur « Jamais » pour s'en passer).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/cross_validation.py" />
      <source>no training polygon could be held out (every class has a single one)</source>
      <translation>aucun polygone d'entraînement n'a pu être mis de côté (chaque classe n'en a qu'un)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/cross_validation.py" />
      <source>Cross-validation, fold {number}/{folds}: every training patch touches one of its {held} {labels}, so no network can be trained without them; they are not scored.</source>
      <translation>Validation croisée, pli {number}/{folds} : chaque imagette d'entraînement touche l'un de ses {held} {labels}, donc aucun réseau ne peut être entraîné sans eux ; ils ne sont pas évalués.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/cross_validation.py" />
      <source>Cross-validation, fold {number}/{folds}: training on {patches} patches clear of {held} training {labels}, then scoring its map on them{left}…</source>
      <translation>Validation croisée, pli {number}/{folds} : entraînement sur {patches} imagettes à l'écart de {held} {labels} d'entraînement, puis évaluation de sa carte sur ceux-ci{left}…</translation>
    </message>
    <message>
      <location filename="../plugin/engine/cross_validation.py" />
      <source>it was canceled</source>
      <translation>elle a été annulée</translation>
    </message>
    <message>
      <location filename="../plugin/engine/dataset.py" />
      <source>polygons</source>
      <translation>polygones</translation>
    </message>
    <message>
      <location filename="../plugin/engine/dataset.py" />
      <source>polygon</source>
      <translation>polygone</translation>
    </message>
    <message>
      <location filename="../plugin/engine/dataset.py" />
      <source>'{folder}' is not an Imagette dataset: it has no {file}. Choose the folder written by 'Sample training patches'.</source>
      <translation>« {folder} » n'est pas un jeu de données Imagette : il n'a pas de {file}. Choisissez le dossier écrit par « Échantillonner des imagettes d'entraînement ».</translation>
    </message>
    <message>
      <location filename="../plugin/engine/dataset.py" />
      <source>Cannot read '{path}': {problem} Sample the patches again.</source>
      <translation>Impossible de lire « {path} » : {problem} Échantillonnez à nouveau les imagettes.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/dataset.py" />
      <source>'{folder}' holds format {format} version {version}; this Imagette reads {expected} versions {versions}. Sample the patches again.</source>
      <translation>« {folder} » est au format {format} version {version} ; cet Imagette lit {expected} versions {versions}. Échantillonnez à nouveau les imagettes.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/dataset.py" />
      <source>{file} has {rows} row(s) for {count} patch(es)</source>
      <translation>{file} a {rows} ligne(s) pour {count} imagette(s)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/dataset.py" />
      <source>{file} has shape {shape}, not {expected}</source>
      <translation>{file} a la forme {shape}, et non {expected}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/dataset.py" />
      <source>The dataset '{folder}' is incomplete, damaged or was edited after sampling: {problem} Sample the patches again with 'Sample training patches'.</source>
      <translation>Le jeu de données « {folder} » est incomplet, endommagé ou a été modifié après l'échantillonnage : {problem} Échantillonnez à nouveau les imagettes avec « Échantillonner des imagettes d'entraînement ».</translation>
    </message>
    <message>
      <location filename="../plugin/engine/dataset.py" />
      <source>{file} holds {actual} bytes where the metadata (patch count x bands x size x size) needs {expected}</source>
      <translation>{file} contient {actual} octets là où les métadonnées (nombre d'imagettes x bandes x taille x taille) en demandent {expected}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/dataset.py" />
      <source>{file} lacks {keys}</source>
      <translation>il manque {keys} à {file}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/dataset.py" />
      <source>{file} is malformed ({problem})</source>
      <translation>{file} est mal formé ({problem})</translation>
    </message>
    <message>
      <location filename="../plugin/engine/dataset.py" />
      <source>{file} does not add up ({count} patch(es) of {size} px, {bands} band(s), {means} band mean(s), {deviations} band deviation(s), {classes} class(es))</source>
      <translation>{file} est incohérent ({count} imagette(s) de {size} px, {bands} bande(s), {means} moyenne(s) de bande, {deviations} écart(s)-type(s) de bande, {classes} classe(s))</translation>
    </message>
    <message>
      <location filename="../plugin/engine/dense.py" />
      <source>The model's patch size ({patch} px) leaves no feature map; the model file is damaged.</source>
      <translation>La taille d'imagette du modèle ({patch} px) ne laisse aucune carte de caractéristiques ; le fichier de modèle est endommagé.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/dense_plan.py" />
      <source>Dense tiles that fit in memory ({tile} x {tile} output pixels, read with the network's receptive field of {margin} px around them) would cost more than evaluating their patches one by one at this stride: evaluating per patch instead.</source>
      <translation>Des tuiles denses qui tiennent en mémoire ({tile} x {tile} pixels de sortie, lues avec le champ réceptif du réseau, {margin} px autour d'elles) coûteraient plus que d'évaluer leurs imagettes une par une à ce pas : évaluation par imagette à la place.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/device.py" />
      <source>CUDA was asked for but this PyTorch sees no CUDA GPU (torch {torch}, built for CUDA {cuda}). Choose 'auto' or 'CPU', or install a CUDA build of PyTorch that matches the GPU driver.</source>
      <translation>CUDA a été demandé mais ce PyTorch ne voit aucun GPU CUDA (torch {torch}, compilé pour CUDA {cuda}). Choisissez « auto » ou « CPU », ou installez une version CUDA de PyTorch qui correspond au pilote du GPU.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/device.py" />
      <source>none: a CPU-only build</source>
      <translation>aucun : une version CPU seule</translation>
    </message>
    <message>
      <location filename="../plugin/engine/device.py" />
      <source>Device: CUDA GPU {name}, as asked.</source>
      <translation>Périphérique : GPU CUDA {name}, comme demandé.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/device.py" />
      <source>Device: CPU, as asked ({threads} threads).</source>
      <translation>Périphérique : CPU, comme demandé ({threads} fils d'exécution).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/device.py" />
      <source>Device: CUDA GPU {name} (auto: a CUDA GPU is available).</source>
      <translation>Périphérique : GPU CUDA {name} (auto : un GPU CUDA est disponible).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/device.py" />
      <source>Device: Apple MPS GPU (auto: no CUDA GPU, MPS available).</source>
      <translation>Périphérique : GPU Apple MPS (auto : pas de GPU CUDA, MPS disponible).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/device.py" />
      <source>Device: CPU, {threads} threads (auto: no CUDA or MPS GPU found).</source>
      <translation>Périphérique : CPU, {threads} fils d'exécution (auto : aucun GPU CUDA ni MPS trouvé).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/device.py" />
      <location filename="../plugin/engine/training_config.py" />
      <source>Unknown device {device}; choose one of {choices}.</source>
      <translation>Périphérique inconnu {device} ; choisissez parmi {choices}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/distributed.py" />
      <source>once</source>
      <translation>une fois</translation>
    </message>
    <message>
      <location filename="../plugin/engine/distributed.py" />
      <source>{count} times</source>
      <translation>{count} fois</translation>
    </message>
    <message>
      <location filename="../plugin/engine/distributed.py" />
      <source>Classifying on a Dask cluster (--workers, --scheduler) needs Dask's distributed scheduler, which is not installed in this Python. Install it with: {command}</source>
      <translation>Classer sur une grappe Dask (--workers, --scheduler) demande l'ordonnanceur distribué de Dask, qui n'est pas installé dans ce Python. Installez-le avec : {command}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/distributed.py" />
      <source>Cannot reach the Dask scheduler at '{address}': {problem} Check the address (tcp://host:8786) and that the scheduler is running.</source>
      <translation>Impossible de joindre l'ordonnanceur Dask à « {address} » : {problem} Vérifiez l'adresse (tcp://host:8786) et que l'ordonnanceur est lancé.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/distributed.py" />
      <source>Output {width} x {height} px (stride {stride}, {method}), in {total} block(s) of up to {block} x {block} px ({tile} px tiles); {done} done already in '{parts}', {todo} to classify.</source>
      <translation>Sortie de {width} x {height} px (pas {stride}, {method}), en {total} bloc(s) d'au plus {block} x {block} px (tuiles de {tile} px) ; {done} déjà fait(s) dans « {parts} », {todo} à classer.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/distributed.py" />
      <source>Block {index} failed {times}: {problem} The blocks done are kept: run the same command again to resume.</source>
      <translation>Le bloc {index} a échoué {times} : {problem} Les blocs faits sont gardés : relancez la même commande pour reprendre.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/distributed.py" />
      <source>blocks {done}/{total}</source>
      <translation>blocs {done}/{total}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/distributed.py" />
      <source>Stopped after {count} block(s), as asked: run the same command again to classify the {left} left.</source>
      <translation>Arrêt après {count} bloc(s), comme demandé : relancez la même commande pour classer les {left} restants.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/distributed.py" />
      <source>Wrote the VRT '{path}' over the block files in '{parts}' (keep them together).</source>
      <translation>VRT « {path} » écrit au-dessus des fichiers des blocs de « {parts} » (gardez-les ensemble).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/errors.py" />
      <source>Canceled by the user.</source>
      <translation>Annulé par l'utilisateur.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/fitting.py" />
      <source>A weights file was given but 'no pretraining' was chosen: the file is not used.</source>
      <translation>Un fichier de poids a été donné mais « sans pré-entraînement » a été choisi : le fichier n'est pas utilisé.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/fitting.py" />
      <source>A frozen backbone needs pretrained weights: give a weights file, or choose a ResNet or fine-tuning.</source>
      <translation>Un tronc gelé demande des poids pré-entraînés : donnez un fichier de poids, ou choisissez un ResNet ou l'affinage.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/fitting.py" />
      <source>Weights: random initialisation, seed {seed}.</source>
      <translation>Poids : initialisation aléatoire, graine {seed}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/fitting.py" />
      <source>Frozen backbone: only the classification layer is trained.</source>
      <translation>Tronc gelé : seule la couche de classification est entraînée.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/fitting.py" />
      <source>Canceled before the first epoch ended: no model was written.</source>
      <translation>Annulé avant la fin de la première époque : aucun modèle n'a été écrit.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/fitting.py" />
      <source>Canceled during epoch {epoch}: the model of epoch {best} (the best so far) is saved.</source>
      <translation>Annulé pendant l'époque {epoch} : le modèle de l'époque {best} (le meilleur jusque-là) est enregistré.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/fitting.py" />
      <source>, validation loss {loss}, macro-F1 {f1}, accuracy {accuracy}</source>
      <translation>, perte de validation {loss}, F1 macro {f1}, précision globale {accuracy}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/fitting.py" />
      <source> (best)</source>
      <translation> (meilleure)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/fitting.py" />
      <source>Epoch {epoch}/{epochs}: training loss {loss}{validation}, {seconds} s</source>
      <translation>Époque {epoch}/{epochs} : perte d'entraînement {loss}{validation}, {seconds} s</translation>
    </message>
    <message>
      <location filename="../plugin/engine/fitting.py" />
      <source>Early stop: no better macro-F1 for {patience} epochs; epoch {best} is kept.</source>
      <translation>Arrêt précoce : pas de meilleur F1 macro depuis {patience} époques ; l'époque {best} est gardée.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/fitting.py" />
      <source>Mixed precision ({precision}) on the GPU.</source>
      <translation>Précision mixte ({precision}) sur le GPU.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/grid.py" />
      <source>The extent ({xmin}, {ymin}, {xmax}, {ymax}) does not overlap the raster. Choose an extent inside the raster, or leave it empty to classify the whole raster.</source>
      <translation>L'emprise ({xmin}, {ymin}, {xmax}, {ymax}) ne recouvre pas le raster. Choisissez une emprise dans le raster, ou laissez-la vide pour classer le raster entier.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/inference.py" />
      <location filename="../plugin/engine/map_classes.py" />
      <source>the classification</source>
      <translation>la classification</translation>
    </message>
    <message>
      <location filename="../plugin/engine/inference.py" />
      <source>the confidence raster</source>
      <translation>le raster de confiance</translation>
    </message>
    <message>
      <location filename="../plugin/engine/inference.py" />
      <source>unnamed</source>
      <translation>sans nom</translation>
    </message>
    <message>
      <location filename="../plugin/engine/inference.py" />
      <source>The raster '{raster}' has {count} band(s) but the model '{model}' was trained on {trained} band(s) ({names}). Choose a raster with the same bands, in the same order, as the one the model was trained on, or train a model on this raster.</source>
      <translation>Le raster « {raster} » a {count} bande(s) mais le modèle « {model} » a été entraîné sur {trained} bande(s) ({names}). Choisissez un raster qui a les mêmes bandes, dans le même ordre, que celui sur lequel le modèle a été entraîné, ou entraînez un modèle sur ce raster.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/inference.py" />
      <source>The raster's pixel size ({width} x {height}) differs from the training raster's ({trained_width} x {trained_height}): objects look smaller or larger to the model than in training, and results may be poor. Resample the raster to the training pixel size for best results.</source>
      <translation>La taille de pixel du raster ({width} x {height}) diffère de celle du raster d'entraînement ({trained_width} x {trained_height}) : les objets paraissent au modèle plus petits ou plus grands qu'à l'entraînement, et les résultats peuvent être médiocres. Rééchantillonnez le raster à la taille de pixel d'entraînement pour de meilleurs résultats.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/inference.py" />
      <source>The raster's CRS ({crs}) differs from the training raster's ({trained}). The output is in the raster's CRS; check that pixel sizes and orientation are comparable.</source>
      <translation>Le SCR du raster ({crs}) diffère de celui du raster d'entraînement ({trained}). La sortie est dans le SCR du raster ; vérifiez que les tailles de pixel et l'orientation sont comparables.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/inference.py" />
      <source>The raster ({width} x {height} px) is smaller than the model's patch ({patch} px): no patch fits in it. Classify a larger raster.</source>
      <translation>Le raster ({width} x {height} px) est plus petit que l'imagette du modèle ({patch} px) : aucune imagette n'y tient. Classez un raster plus grand.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/inference.py" />
      <source>Unknown method {method}; choose one of {choices}.</source>
      <translation>Méthode inconnue {method} ; choisissez parmi {choices}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/inference.py" />
      <source>The stride, batch size and tile size must be positive (or 0 for automatic).</source>
      <translation>Le pas, la taille de lot et la taille de tuile doivent être positifs (ou 0 pour automatique).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/inference.py" />
      <source>Imagette writes GeoTIFF files: give '{path}' a .tif extension.</source>
      <translation>Imagette écrit des fichiers GeoTIFF : donnez à « {path} » l'extension .tif.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/inference.py" />
      <source>This ONNX file holds its patch classifier in the per-patch form only (exported by an older Imagette): it is evaluated patch by patch, many times slower than densely. Export the model again for the dense form.</source>
      <translation>Ce fichier ONNX ne contient son classifieur d'imagettes que sous la forme par imagette (exporté par une version plus ancienne d'Imagette) : il est évalué imagette par imagette, bien plus lentement qu'en dense. Exportez de nouveau le modèle pour obtenir la forme dense.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/inference.py" />
      <source>Model '{model}': {architecture}, {classes} classes, {patch} px patches. {description}, stride {stride} px: output {width} x {height} pixels of {stride} input pixels, in {tiles} tile(s) of up to {tile} x {tile}.</source>
      <translation>Modèle « {model} » : {architecture}, {classes} classes, imagettes de {patch} px. {description}, pas de {stride} px : sortie de {width} x {height} pixels de {stride} pixels d'entrée, en {tiles} tuile(s) d'au plus {tile} x {tile}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/inference.py" />
      <source>No patch fits inside the raster within the extent: the output holds only nodata.</source>
      <translation>Aucune imagette ne tient dans le raster à l'intérieur de l'emprise : la sortie ne contient que du nodata.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/inference.py" />
      <source>Classified {megapixels} megapixels in {seconds} s; pixels per class: {counts}.</source>
      <translation>{megapixels} mégapixels classés en {seconds} s ; pixels par classe : {counts}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/io.py" />
      <source>the output</source>
      <translation>la sortie</translation>
    </message>
    <message>
      <location filename="../plugin/engine/io.py" />
      <source>the dataset folder</source>
      <translation>le dossier du jeu de données</translation>
    </message>
    <message>
      <location filename="../plugin/engine/io.py" />
      <source>the model file</source>
      <translation>le fichier de modèle</translation>
    </message>
    <message>
      <location filename="../plugin/engine/io.py" />
      <source>the report</source>
      <translation>le rapport</translation>
    </message>
    <message>
      <location filename="../plugin/engine/io.py" />
      <source>Cannot read the raster '{path}': {problem} Check that the file exists and is a raster GDAL can open.</source>
      <translation>Impossible de lire le raster « {path} » : {problem} Vérifiez que le fichier existe et que c'est un raster que GDAL peut ouvrir.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/io.py" />
      <source>The raster '{path}' has no coordinate reference system. Assign one (Raster &gt; Projections &gt; Assign Projection) and run again.</source>
      <translation>Le raster « {path} » n'a pas de système de coordonnées de référence. Attribuez-en un (Raster &gt; Projections &gt; Assigner une projection) et relancez.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/io.py" />
      <source>The raster '{path}' has data type {dtype}; Imagette reads {dtypes}.</source>
      <translation>Le raster « {path} » a le type de données {dtype} ; Imagette lit {dtypes}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/io.py" />
      <source>it is a file, not a folder</source>
      <translation>c'est un fichier, pas un dossier</translation>
    </message>
    <message>
      <location filename="../plugin/engine/io.py" />
      <source>it is a folder</source>
      <translation>c'est un dossier</translation>
    </message>
    <message>
      <location filename="../plugin/engine/io.py" />
      <source>Cannot write {what} '{path}': {problem} Choose a folder where you can write.</source>
      <translation>Impossible d'écrire {what} « {path} » : {problem} Choisissez un dossier où vous pouvez écrire.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/io.py" />
      <source>Cannot write {what} '{path}': {problem} Choose a file in a folder where you can write.</source>
      <translation>Impossible d'écrire {what} « {path} » : {problem} Choisissez un fichier dans un dossier où vous pouvez écrire.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/label_use.py" />
      <source>Class '{name}': {features} training feature(s), {patches} patch(es), {reached} of their {labelled} labelled pixel(s) in training masks; {validation_features} validation feature(s), {validation_patches} patch(es), {validation_share} of the class's labelled pixels.</source>
      <translation>Classe « {name} » : {features} entité(s) d'entraînement, {patches} imagette(s), {reached} de leurs {labelled} pixel(s) étiqueté(s) dans les masques d'entraînement ; {validation_features} entité(s) de validation, {validation_patches} imagette(s), {validation_share} des pixels étiquetés de la classe.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/label_use.py" />
      <source>Add points of this class: each point on data gives one patch.</source>
      <translation>Ajoutez des points de cette classe : chaque point sur des données donne une imagette.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/label_use.py" />
      <source>Digitise more or larger polygons of this class, or set a smaller stride (more patch centres in each polygon).</source>
      <translation>Numérisez des polygones plus nombreux ou plus grands de cette classe, ou choisissez un pas plus petit (plus de centres d'imagettes dans chaque polygone).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/label_use.py" />
      <source>Class '{name}' has {patches} training patch(es) from {features} feature(s): too few to learn from (aim for {least} or more). {remedy}</source>
      <translation>La classe « {name} » a {patches} imagette(s) d'entraînement issue(s) de {features} entité(s) : trop peu pour apprendre (visez {least} ou plus). {remedy}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/map_classes.py" />
      <source>The class field '{field}' holds text ({values}), but {map} has no class names to match it to: no category names or attribute table in the file or its .aux.xml, no paletted style with labels in a .qml beside it. Use an integer field holding the map's class codes, or give the map a paletted style with the class names as labels and save it as its default style (.qml).</source>
      <translation>Le champ de classe « {field} » contient du texte ({values}), mais {map} n'a pas de noms de classe auxquels l'associer : ni noms de catégorie ni table attributaire dans le fichier ou son .aux.xml, ni style palette avec des étiquettes dans un .qml à côté. Utilisez un champ entier contenant les codes de classe de la carte, ou donnez à la carte un style palette avec les noms de classe comme étiquettes et enregistrez-le comme son style par défaut (.qml).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/map_classes.py" />
      <source>'{value}' (did you mean '{name}'?)</source>
      <translation>« {value} » (vouliez-vous dire « {name} » ?)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/map_classes.py" />
      <source>The class value(s) {values} of field '{field}' match no class of {map}, whose classes are: {names}. Names must match exactly, accents and case included: correct the reference's values, or use an integer field of class codes.</source>
      <translation>Les valeurs de classe {values} du champ « {field} » ne correspondent à aucune classe de {map}, dont les classes sont : {names}. Les noms doivent correspondre exactement, accents et casse compris : corrigez les valeurs de la référence, ou utilisez un champ entier de codes de classe.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/modelfile.py" />
      <source>'{path}' is not {expected}: it is damaged, or it holds objects other than tensors and plain data and was refused for safety, so that no code from it runs ({error}). {fix}</source>
      <translation>« {path} » n'est pas {expected} : il est endommagé, ou il contient des objets autres que des tenseurs et des données simples et a été refusé par sécurité, pour qu'aucun code venu de lui ne s'exécute ({error}). {fix}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/modelfile.py" />
      <source>it has no metadata</source>
      <translation>il n'a pas de métadonnées</translation>
    </message>
    <message>
      <location filename="../plugin/engine/modelfile.py" />
      <location filename="../plugin/engine/onnxfile.py" />
      <source>its metadata lacks {keys}</source>
      <translation>il manque {keys} à ses métadonnées</translation>
    </message>
    <message>
      <location filename="../plugin/engine/modelfile.py" />
      <location filename="../plugin/engine/onnxfile.py" />
      <source>its metadata is malformed ({problem})</source>
      <translation>ses métadonnées sont mal formées ({problem})</translation>
    </message>
    <message>
      <location filename="../plugin/engine/modelfile.py" />
      <source>its metadata does not add up ({bands} band(s), {means} band mean(s), {deviations} band deviation(s), {classes} class(es), patch size {patch})</source>
      <translation>ses métadonnées sont incohérentes ({bands} bande(s), {means} moyenne(s) de bande, {deviations} écart(s)-type(s) de bande, {classes} classe(s), taille d'imagette {patch})</translation>
    </message>
    <message>
      <location filename="../plugin/engine/modelfile.py" />
      <source>'{path}' is not a valid Imagette model file: {reason}. Choose a file written by 'Train patch classifier', or train the model again.</source>
      <translation>« {path} » n'est pas un fichier de modèle Imagette valide : {reason}. Choisissez un fichier écrit par « Entraîner un classifieur d'imagettes », ou entraînez à nouveau le modèle.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/modelfile.py" />
      <source>The model file '{path}' does not exist. Choose a file written by 'Train patch classifier'.</source>
      <translation>Le fichier de modèle « {path} » n'existe pas. Choisissez un fichier écrit par « Entraîner un classifieur d'imagettes ».</translation>
    </message>
    <message>
      <location filename="../plugin/engine/modelfile.py" />
      <source>a valid Imagette model file</source>
      <translation>un fichier de modèle Imagette valide</translation>
    </message>
    <message>
      <location filename="../plugin/engine/modelfile.py" />
      <source>Train the model again with 'Train patch classifier'.</source>
      <translation>Entraînez à nouveau le modèle avec « Entraîner un classifieur d'imagettes ».</translation>
    </message>
    <message>
      <location filename="../plugin/engine/modelfile.py" />
      <source>it was not written by Imagette</source>
      <translation>il n'a pas été écrit par Imagette</translation>
    </message>
    <message>
      <location filename="../plugin/engine/modelfile.py" />
      <source>'{path}' is an Imagette model of format version {version} with architecture {architecture}, which this version of Imagette cannot read. Update the plugin or train again.</source>
      <translation>« {path} » est un modèle Imagette de version de format {version}, d'architecture {architecture}, que cette version d'Imagette ne sait pas lire. Mettez l'extension à jour ou entraînez à nouveau.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/modelfile.py" />
      <source>it holds no weights</source>
      <translation>il ne contient aucun poids</translation>
    </message>
    <message>
      <location filename="../plugin/engine/modelfile.py" />
      <source>its weights do not match its architecture ({problem})</source>
      <translation>ses poids ne correspondent pas à son architecture ({problem})</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_export.py" />
      <source>segmentation</source>
      <translation>segmentation</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_export.py" />
      <source>patch classifier</source>
      <translation>classifieur d'imagettes</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_export.py" />
      <source>Deepness runs segmentation networks only (its 'Segmentor' models, one class per pixel), and this model is a patch classifier ({architecture}: one class per patch). Export it in the Imagette format (FORMAT 0) to classify with it through ONNX Runtime, or train a U-Net (ARCHITECTURE 'U-Net') on the same dataset to use it in Deepness.</source>
      <translation>Deepness n'exécute que des réseaux de segmentation (ses modèles « Segmentor », une classe par pixel), et ce modèle est un classifieur d'imagettes ({architecture} : une classe par imagette). Exportez-le au format Imagette (FORMAT 0) pour classer avec lui via ONNX Runtime, ou entraînez un U-Net (ARCHITECTURE « U-Net ») sur le même jeu de données pour l'utiliser dans Deepness.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_export.py" />
      <source>Unknown ONNX flavour {flavour}; choose one of {choices}.</source>
      <translation>Format ONNX inconnu {flavour} ; choisissez parmi {choices}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_export.py" />
      <source>ONNX models are .onnx files: give '{path}' the .onnx extension.</source>
      <translation>Les modèles ONNX sont des fichiers .onnx : donnez à « {path} » l'extension .onnx.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_export.py" />
      <source>Exporting to ONNX needs the '{package}' package, which cannot be imported here ({problem}). Install it into this Python with:  {command}</source>
      <translation>L'export en ONNX demande le paquet « {package} », qui ne peut pas être importé ici ({problem}). Installez-le dans ce Python avec :  {command}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_export.py" />
      <source>Exporting '{model}' ({architecture}, {kind}, {bands} band(s), {classes} classes) as ONNX, {flavour} flavour.</source>
      <translation>Export de « {model} » ({architecture}, {kind}, {bands} bande(s), {classes} classes) en ONNX, au format {flavour}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_export.py" />
      <source>Deepness: tiles of {size} x {size} px overlapping by {overlap} %, class names in its legend, probability threshold and small-area removal off.</source>
      <translation>Deepness : tuiles de {size} x {size} px se recouvrant de {overlap} %, noms des classes dans sa légende, seuil de probabilité et suppression des petites surfaces désactivés.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_export.py" />
      <source>The training raster's CRS is not in metres (or is unknown): the file carries no resolution, and Deepness will ask for the pixel size to process at (it needs a raster in a projected CRS).</source>
      <translation>Le SCR du raster d'entraînement n'est pas en mètres (ou est inconnu) : le fichier ne porte pas de résolution, et Deepness demandera la taille de pixel à laquelle traiter (il lui faut un raster dans un SCR projeté).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_export.py" />
      <source>Input: band values normalised with the metadata's mean and std, NCHW float32, tiles of any height and width; output: class logits per pixel.</source>
      <translation>Entrée : valeurs des bandes normalisées avec la moyenne et l'écart-type des métadonnées, NCHW float32, tuiles de toute hauteur et largeur ; sortie : logits des classes par pixel.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_export.py" />
      <source>Input: band values normalised with the metadata's mean and std, NCHW float32, tiles of any height and width; output: the class logits at every position of the feature map, a patch's being the average of its {size} x {size} positions; the input '{selector}' chooses the real stride (the network's downsampling: the network as it is).</source>
      <translation>Entrée : valeurs des bandes normalisées avec la moyenne et l'écart-type des métadonnées, NCHW float32, tuiles de toute hauteur et largeur ; sortie : logits des classes à chaque position de la carte de caractéristiques, ceux d'une imagette étant la moyenne de ses {size} x {size} positions ; l'entrée « {selector} » choisit le pas réel (le sous-échantillonnage du réseau : le réseau tel quel).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_tiles.py" />
      <source>CUDA was asked for, but this ONNX Runtime has no CUDA provider (it is the CPU build, or the CUDA libraries are missing). Install onnxruntime-gpu, or choose the CPU.</source>
      <translation>CUDA a été demandé, mais cet ONNX Runtime n'a pas de fournisseur d'exécution CUDA (c'est la version CPU, ou les bibliothèques CUDA manquent). Installez onnxruntime-gpu, ou choisissez le CPU.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_tiles.py" />
      <source>Classifying with an ONNX model needs onnxruntime, which cannot be imported here ({problem}). Install it into this Python with:  {command}</source>
      <translation>Classer avec un modèle ONNX demande onnxruntime, qui ne peut pas être importé ici ({problem}). Installez-le dans ce Python avec :  {command}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_tiles.py" />
      <source>The model takes tiles of {side} x {side} px, too small for output pixels of {stride} input pixels with {halo} px of context around them. Choose a smaller output pixel size (stride).</source>
      <translation>Le modèle prend des tuiles de {side} x {side} px, trop petites pour des pixels de sortie de {stride} pixels d'entrée avec {halo} px de contexte autour. Choisissez une taille de pixel de sortie plus petite (pas).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_tiles.py" />
      <source>per-pixel segmentation with a halo of {halo} px, through ONNX Runtime</source>
      <translation>segmentation par pixel avec un halo de {halo} px, via ONNX Runtime</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_tiles.py" />
      <source>method {method}, {batch} patches per batch, through ONNX Runtime</source>
      <translation>méthode {method}, {batch} imagettes par lot, via ONNX Runtime</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_tiles.py" />
      <source>method {method}, through ONNX Runtime</source>
      <translation>méthode {method}, via ONNX Runtime</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_tiles.py" />
      <source>The raster has {count} band(s) but the model '{model}' was trained on {trained}. Choose a raster with the same bands, in the same order, as the training raster.</source>
      <translation>Le raster a {count} bande(s) mais le modèle « {model} » a été entraîné sur {trained}. Choisissez un raster qui a les mêmes bandes, dans le même ordre, que le raster d'entraînement.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnx_tiles.py" />
      <source>The model was made for Deepness, which feeds it 8-bit band values (0 to 255), and this raster holds {dtype} values: those above 255 lie outside what the model knows. Convert the raster to 8 bits (Raster &gt; Conversion &gt; Translate, with scaling) to classify it as Deepness would.</source>
      <translation>Le modèle a été fait pour Deepness, qui lui fournit des valeurs de bandes sur 8 bits (0 à 255), et ce raster contient des valeurs {dtype} : celles au-delà de 255 sortent de ce que le modèle connaît. Convertissez le raster en 8 bits (Raster &gt; Conversion &gt; Traduire, avec mise à l'échelle) pour le classer comme Deepness le ferait.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>The ONNX file '{path}' does not exist. Choose a file written by 'Export model to ONNX'.</source>
      <translation>Le fichier ONNX « {path} » n'existe pas. Choisissez un fichier écrit par « Exporter le modèle en ONNX ».</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>Reading an ONNX model needs the onnxruntime package (or onnx). Install it with:  {command}</source>
      <translation>Lire un modèle ONNX demande le paquet onnxruntime (ou onnx). Installez-le avec :  {command}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>'{path}' is not a valid ONNX model: it is damaged or not an ONNX file ({problem}). Export the model again with 'Export model to ONNX'.</source>
      <translation>« {path} » n'est pas un modèle ONNX valide : il est endommagé ou n'est pas un fichier ONNX ({problem}). Exportez à nouveau le modèle avec « Exporter le modèle en ONNX ».</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>it is a model made for Deepness (model_type {type}), without Imagette's metadata: classify with it through 'Classify raster', which reads Deepness's</source>
      <translation>c'est un modèle fait pour Deepness (model_type {type}), sans les métadonnées d'Imagette : classez avec lui par « Classer un raster », qui lit celles de Deepness</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>its metadata lacks Imagette's keys ({keys}): it was not written by Imagette's export</source>
      <translation>il manque à ses métadonnées les clés d'Imagette ({keys}) : il n'a pas été écrit par l'export d'Imagette</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>its metadata does not add up ({bands} band(s), {means} mean(s), {classes} class(es))</source>
      <translation>ses métadonnées sont incohérentes ({bands} bande(s), {means} moyenne(s), {classes} classe(s))</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>its kind of network {kind} is unknown</source>
      <translation>son type de réseau {kind} est inconnu</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>its form {form} is unknown</source>
      <translation>sa forme {form} est inconnue</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>its dense form is described wrongly ({problem})</source>
      <translation>sa forme dense est mal décrite ({problem})</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>its dense form has no variant at real stride 1, which every output stride needs</source>
      <translation>sa forme dense n'a pas de variante au pas réel 1, dont toute taille de pixel de sortie a besoin</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>'{path}' is an Imagette ONNX model of format version {version}, which this version of Imagette cannot read. Update the plugin, or export the model again.</source>
      <translation>« {path} » est un modèle ONNX Imagette de version de format {version}, que cette version d'Imagette ne sait pas lire. Mettez l'extension à jour, ou exportez à nouveau le modèle.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>'{path}' is not an ONNX model exported by Imagette: {problem}. Choose a file written by 'Export model to ONNX'.</source>
      <translation>« {path} » n'est pas un modèle ONNX exporté par Imagette : {problem}. Choisissez un fichier écrit par « Exporter le modèle en ONNX ».</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>'{path}' is a Deepness {type} model: Imagette classifies with Deepness segmentation models (model_type Segmentor) only. Run this one in Deepness.</source>
      <translation>« {path} » est un modèle Deepness {type} : Imagette ne classe qu'avec les modèles de segmentation de Deepness (model_type Segmentor). Exécutez celui-ci dans Deepness.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>'{path}' is a Deepness segmentation model with {inputs} input(s) and {outputs} output(s) ({shapes}): Imagette classifies with those of one input (batch, bands, height, width) and one output (batch, classes, height, width), as Deepness does.</source>
      <translation>« {path} » est un modèle de segmentation Deepness à {inputs} entrée(s) et {outputs} sortie(s) ({shapes}) : Imagette classe avec ceux d'une entrée (lot, bandes, hauteur, largeur) et d'une sortie (lot, classes, hauteur, largeur), comme Deepness.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>'{path}' is a Deepness segmentation model whose class_names ({names}) do not name its {count} output channel(s), 0 to {last}. Correct the class_names in the model's metadata.</source>
      <translation>« {path} » est un modèle de segmentation Deepness dont les class_names ({names}) ne nomment pas ses {count} canal(aux) de sortie, de 0 à {last}. Corrigez les class_names dans les métadonnées du modèle.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>not {name}</source>
      <translation>pas {name}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>'{path}' is a Deepness segmentation model whose standardization_{key} holds {count} value(s) for its {bands} band(s). Correct it in the model's metadata: one value, or one per band.</source>
      <translation>« {path} » est un modèle de segmentation Deepness dont standardization_{key} contient {count} valeur(s) pour ses {bands} bande(s). Corrigez-le dans les métadonnées du modèle : une valeur, ou une par bande.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>Deepness segmentation model</source>
      <translation>modèle de segmentation Deepness</translation>
    </message>
    <message>
      <location filename="../plugin/engine/onnxfile.py" />
      <source>class {index}</source>
      <translation>classe {index}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/outputs.py" />
      <source>{size} bytes</source>
      <translation>{size} octets</translation>
    </message>
    <message>
      <location filename="../plugin/engine/outputs.py" />
      <source>{size} KB</source>
      <translation>{size} Ko</translation>
    </message>
    <message>
      <location filename="../plugin/engine/outputs.py" />
      <source>{size} MB</source>
      <translation>{size} Mo</translation>
    </message>
    <message>
      <location filename="../plugin/engine/outputs.py" />
      <source>{size} GB</source>
      <translation>{size} Go</translation>
    </message>
    <message>
      <location filename="../plugin/engine/outputs.py" />
      <source>Could not write {what} '{target}': the disk is full.</source>
      <translation>Impossible d'écrire {what} « {target} » : le disque est plein.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/outputs.py" />
      <source>Could not write {what} '{target}': the disk is full (only {free} free).</source>
      <translation>Impossible d'écrire {what} « {target} » : le disque est plein (seulement {free} libres).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/outputs.py" />
      <source>Free some space on that disk, or choose a folder on another disk, and run again.</source>
      <translation>Libérez de l'espace sur ce disque, ou choisissez un dossier sur un autre disque, puis relancez.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/outputs.py" />
      <source>Could not write {what} '{target}': {problem}</source>
      <translation>Impossible d'écrire {what} « {target} » : {problem}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/outputs.py" />
      <source>Could not write {what} '{target}'.</source>
      <translation>Impossible d'écrire {what} « {target} ».</translation>
    </message>
    <message>
      <location filename="../plugin/engine/outputs.py" />
      <source>Check that the disk or network drive is still there and can be written, and run again.</source>
      <translation>Vérifiez que le disque ou le lecteur réseau est toujours là et accessible en écriture, puis relancez.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/outputs.py" />
      <source>Nothing was replaced: a file of that name from an earlier run is unchanged, with its .aux.xml and .qml.</source>
      <translation>Rien n'a été remplacé : un fichier de ce nom issu d'une exécution précédente est inchangé, avec ses .aux.xml et .qml.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/outputs.py" />
      <source>the file on disk does not hold the pixels written to it</source>
      <translation>le fichier sur le disque ne contient pas les pixels qui y ont été écrits</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>There are no ImageNet weights for {architecture}; choose a ResNet or train from scratch.</source>
      <translation>Il n'y a pas de poids ImageNet pour {architecture} ; choisissez un ResNet ou entraînez sans pré-entraînement.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>ImageNet weights: {path} (torch hub cache).</source>
      <translation>Poids ImageNet : {path} (cache de torch hub).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>ImageNet weights not in the torch hub cache; downloading {url} to {path}.</source>
      <translation>Poids ImageNet absents du cache de torch hub ; téléchargement de {url} vers {path}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>The ImageNet weights for {architecture} are not on this computer and could not be downloaded ({problem}). On a computer with internet access, download {url} and copy the file, keeping its name {name}, to {folder} (the torch hub cache; the TORCH_HOME environment variable moves it). Or give the file as 'Pretrained weights file', or choose no pretraining.</source>
      <translation>Les poids ImageNet de {architecture} ne sont pas sur cet ordinateur et n'ont pas pu être téléchargés ({problem}). Sur un ordinateur relié à Internet, téléchargez {url} et copiez le fichier, en gardant son nom {name}, dans {folder} (le cache de torch hub ; la variable d'environnement TORCH_HOME le déplace). Ou donnez le fichier comme « Fichier de poids pré-entraînés », ou choisissez sans pré-entraînement.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>The weights file '{path}' does not exist.</source>
      <translation>Le fichier de poids « {path} » n'existe pas.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>a valid weights file</source>
      <translation>un fichier de poids valide</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>Use a checkpoint saved as a state_dict (torch.save(model.state_dict(), path)).</source>
      <translation>Utilisez un point de contrôle enregistré comme state_dict (torch.save(model.state_dict(), path)).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>'{path}' holds no state_dict (a mapping of parameter names to tensors).</source>
      <translation>« {path} » ne contient pas de state_dict (une table des noms de paramètres vers des tenseurs).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>The checkpoint's first layer already takes {bands} bands: it is loaded as it is.</source>
      <translation>La première couche du point de contrôle prend déjà {bands} bandes : elle est chargée telle quelle.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>The checkpoint's classification layer (fc) has no use in a segmentation network: it is left out.</source>
      <translation>La couche de classification du point de contrôle (fc) ne sert pas dans un réseau de segmentation : elle est laissée de côté.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>The checkpoint's classification layer ({layer}) has {outputs} outputs and this dataset {classes} classes: that layer starts from random weights.</source>
      <translation>La couche de classification du point de contrôle ({layer}) a {outputs} sorties et ce jeu de données {classes} classes : cette couche part de poids aléatoires.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>The weights in '{source}' do not fit this network: {count} tensor(s) have other shapes, e.g. {key} {shape} instead of {expected}. Choose the architecture the file was trained with, on a dataset with the same bands.</source>
      <translation>Les poids de « {source} » ne conviennent pas à ce réseau : {count} tenseur(s) ont d'autres formes, par exemple {key} {shape} au lieu de {expected}. Choisissez l'architecture avec laquelle le fichier a été entraîné, sur un jeu de données ayant les mêmes bandes.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>The weights in '{source}' lack {count} of this network's tensors ({tensors}): the file is for another architecture. Choose the architecture it was trained with.</source>
      <translation>Il manque aux poids de « {source} » {count} des tenseurs de ce réseau ({tensors}) : le fichier est pour une autre architecture. Choisissez l'architecture avec laquelle il a été entraîné.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>{count} tensor(s) in '{source}' belong to no layer of this network and were ignored: {tensors}.</source>
      <translation>{count} tenseur(s) de « {source} » n'appartiennent à aucune couche de ce réseau et ont été ignorés : {tensors}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>Pretrained weights loaded from '{source}': {count} tensors, the whole backbone.</source>
      <translation>Poids pré-entraînés chargés depuis « {source} » : {count} tenseurs, tout le tronc.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>The first layer of the checkpoint has shape {shape}, not that of an RGB {kernel} convolution with {filters} filters. Choose the architecture the file was trained with.</source>
      <translation>La première couche du point de contrôle a la forme {shape}, pas celle d'une convolution RVB {kernel} à {filters} filtres. Choisissez l'architecture avec laquelle le fichier a été entraîné.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>The 3 bands have no red/green/blue names: they are taken as red, green, blue in that order.</source>
      <translation>Les 3 bandes n'ont pas de noms rouge/vert/bleu : elles sont prises comme rouge, vert, bleu, dans cet ordre.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>RGB bands {asked} were asked for, but the dataset has {bands} bands.</source>
      <translation>Les bandes RVB {asked} ont été demandées, mais le jeu de données a {bands} bandes.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>No red, green and blue bands were recognised among {names}: every band gets the mean of the RGB filters. Give the RGB bands (e.g. 3,2,1) to use the pretrained colour filters.</source>
      <translation>Aucune bande rouge, verte et bleue n'a été reconnue parmi {names} : chaque bande reçoit la moyenne des filtres RVB. Indiquez les bandes RVB (par exemple 3,2,1) pour utiliser les filtres de couleur pré-entraînés.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>red</source>
      <translation>rouge</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>green</source>
      <translation>vert</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>blue</source>
      <translation>bleu</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>{colour} = band {band} '{name}'</source>
      <translation>{colour} = bande {band} « {name} »</translation>
    </message>
    <message>
      <location filename="../plugin/engine/pretrained.py" />
      <source>First layer adapted to {bands} bands: {names}; other bands get the mean filter, all scaled by 3/{bands}.</source>
      <translation>Première couche adaptée à {bands} bandes : {names} ; les autres bandes reçoivent le filtre moyen, tous mis à l'échelle par 3/{bands}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/progress.py" />
      <source>about {seconds} s</source>
      <translation>environ {seconds} s</translation>
    </message>
    <message>
      <location filename="../plugin/engine/progress.py" />
      <source>about {minutes} min</source>
      <translation>environ {minutes} min</translation>
    </message>
    <message>
      <location filename="../plugin/engine/progress.py" />
      <source>about {hours} h {minutes} min</source>
      <translation>environ {hours} h {minutes} min</translation>
    </message>
    <message>
      <location filename="../plugin/engine/progress.py" />
      <source>; {duration} left</source>
      <translation> ; il reste {duration}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>patches</source>
      <translation>imagettes</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>labelled pixels</source>
      <translation>pixels étiquetés</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>No values to plot.</source>
      <translation>Aucune valeur à tracer.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>epoch</source>
      <translation>époque</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>best</source>
      <translation>meilleure</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>true \ predicted</source>
      <translation>vraie \ prédite</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Rows: true class (validation {unit}); columns: predicted class.</source>
      <translation>Lignes : classe vraie ({unit} de validation) ; colonnes : classe prédite.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Counts</source>
      <translation>Effectifs</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Row-normalised (recall on the diagonal)</source>
      <translation>Normalisée par ligne (exactitude du producteur sur la diagonale)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>precision</source>
      <translation>exactitude de l'utilisateur</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>recall</source>
      <translation>exactitude du producteur</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>support</source>
      <translation>effectif</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Source raster</source>
      <translation>Raster source</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Patch size</source>
      <translation>Taille des imagettes</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Pixel size</source>
      <translation>Taille de pixel</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>(CRS units)</source>
      <translation>(unités du SCR)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>CRS</source>
      <translation>SCR</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Bands</source>
      <translation>Bandes</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>training patches</source>
      <translation>imagettes d'entraînement</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>validation patches</source>
      <translation>imagettes de validation</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>The run was canceled; the model is that of epoch {epoch}, the best before the cancel.</source>
      <translation>L'entraînement a été annulé ; le modèle est celui de l'époque {epoch}, la meilleure avant l'annulation.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>The dataset has no validation patches: the model could not be measured and early stopping was off. Sample again with a validation fraction above 0.</source>
      <translation>Le jeu de données n'a pas d'imagettes de validation : le modèle n'a pas pu être mesuré et l'arrêt précoce était désactivé. Échantillonnez à nouveau avec une fraction de validation supérieure à 0.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Class '{name}' has no validation patch and could not be measured.</source>
      <translation>La classe « {name} » n'a aucune imagette de validation et n'a pas pu être mesurée.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Overall accuracy {accuracy} hides class '{name}': F1 {f1}, only {recall} of its validation patches found. More or better polygons of it help most.</source>
      <translation>La précision globale de {accuracy} masque la classe « {name} » : F1 {f1}, seulement {recall} de ses imagettes de validation trouvées. Des polygones de cette classe plus nombreux ou meilleurs aident le plus.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Best epoch</source>
      <translation>Meilleure époque</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Duration</source>
      <translation>Durée</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <location filename="../plugin/engine/run_costs.py" />
      <location filename="../plugin/styling.py" />
      <source>training</source>
      <translation>entraînement</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <location filename="../plugin/styling.py" />
      <source>validation</source>
      <translation>validation</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Loss (class-weighted cross-entropy)</source>
      <translation>Perte (entropie croisée pondérée par classe)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>accuracy</source>
      <translation>précision globale</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>macro-F1</source>
      <translation>F1 macro</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Validation scores</source>
      <translation>Scores de validation</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>off</source>
      <translation>désactivé</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Architecture</source>
      <translation>Architecture</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>none (random initialisation)</source>
      <translation>aucun (initialisation aléatoire)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Pretrained mode</source>
      <translation>Mode de pré-entraînement</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Epochs (asked / run)</source>
      <translation>Époques (demandées / effectuées)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>(early stop)</source>
      <translation>(arrêt précoce)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Patience (epochs)</source>
      <translation>Patience (époques)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Cross-validation</source>
      <translation>Validation croisée</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>{folds} folds of the training polygons</source>
      <translation>{folds} plis des polygones d'entraînement</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>{asked}, halved to {final} (GPU memory)</source>
      <translation>{asked}, réduite à {final} (mémoire du GPU)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Learning rate (peak)</source>
      <translation>Taux d'apprentissage (maximal)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Optimiser</source>
      <translation>Optimiseur</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Schedule</source>
      <translation>Calendrier</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Class weighting</source>
      <translation>Pondération des classes</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Augmentation</source>
      <translation>Augmentation</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>flips and 90° rotations</source>
      <translation>retournements et rotations de 90°</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>radiometric jitter {jitter}</source>
      <translation>variation radiométrique {jitter}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Seed</source>
      <translation>Graine</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>mixed precision {precision}</source>
      <translation>précision mixte {precision}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Time waiting for data</source>
      <translation>Temps d'attente des données</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>{share} of training time</source>
      <translation>{share} du temps d'entraînement</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Scores are the map's: every pixel whose centre lies in one of the {validation} validation features (their labels never served for training, though training patches may have shown their imagery as context around training labels), classified as 'Classify raster' does with its defaults, against the feature's class, and in {folded} training features, each classified by the network of a {folds}-fold cross-validation that was trained without it: {pixels} map pixels ({nodata} nodata map pixels left out). The epoch was chosen on the patch-level scores, at the end of this report.</source>
      <translation>Les scores sont ceux de la carte : chaque pixel dont le centre se trouve dans l'une des {validation} entités de validation (leurs étiquettes n'ont jamais servi à l'entraînement, même si des imagettes d'entraînement ont pu montrer leur image comme contexte autour d'étiquettes d'entraînement), classé comme le fait « Classer un raster » avec ses valeurs par défaut, comparé à la classe de l'entité, et dans {folded} entités d'entraînement, chacune classée par le réseau d'une validation croisée à {folds} plis entraîné sans elle : {pixels} pixels de la carte ({nodata} pixels nodata de la carte écartés). L'époque a été choisie sur les scores au niveau des imagettes, à la fin de ce rapport.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Scores are the map's: every pixel whose centre lies in one of the {validation} validation features (their labels never served for training, though training patches may have shown their imagery as context around training labels), classified as 'Classify raster' does with its defaults, against the feature's class: {pixels} map pixels ({nodata} nodata map pixels left out). The epoch was chosen on the patch-level scores, at the end of this report.</source>
      <translation>Les scores sont ceux de la carte : chaque pixel dont le centre se trouve dans l'une des {validation} entités de validation (leurs étiquettes n'ont jamais servi à l'entraînement, même si des imagettes d'entraînement ont pu montrer leur image comme contexte autour d'étiquettes d'entraînement), classé comme le fait « Classer un raster » avec ses valeurs par défaut, comparé à la classe de l'entité : {pixels} pixels de la carte ({nodata} pixels nodata de la carte écartés). L'époque a été choisie sur les scores au niveau des imagettes, à la fin de ce rapport.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Other polygons would give another score: the macro-F1's 95 % interval, from resampling the scored polygons of each class, is {low} to {high} (too narrow when a class has one or two of them).</source>
      <translation>D'autres polygones donneraient un autre score : l'intervalle de confiance à 95 % du F1 macro, obtenu en rééchantillonnant les polygones évalués de chaque classe, va de {low} à {high} (trop étroit quand une classe n'en a qu'un ou deux).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Scores are measured on the validation {unit}, whose labels never served for training. They are patch-level: the map, borders included, usually scores lower.</source>
      <translation>Les scores sont mesurés sur les {unit} de validation, dont les étiquettes n'ont jamais servi à l'entraînement. Ils sont au niveau des imagettes : la carte, bordures comprises, obtient généralement moins.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Imagette training report</source>
      <translation>Rapport d'entraînement Imagette</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Learning curves</source>
      <translation>Courbes d'apprentissage</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Macro-F1 is the mean of the class F1 scores: every class counts the same, however rare. Overall accuracy is dominated by the largest classes.</source>
      <translation>Le F1 macro est la moyenne des F1 des classes : chaque classe compte autant, si rare soit-elle. La précision globale est dominée par les plus grandes classes.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Patch-level scores (validation {unit}, used for early stopping)</source>
      <translation>Scores au niveau des imagettes ({unit} de validation, utilisés pour l'arrêt précoce)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Macro-F1 {f1}, overall accuracy {accuracy}, kappa {kappa}. These patches lie mostly inside one class, away from borders: they are easier than the map.</source>
      <translation>F1 macro {f1}, précision globale {accuracy}, kappa {kappa}. Ces imagettes se trouvent surtout à l'intérieur d'une classe, loin des limites : elles sont plus faciles que la carte.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Dataset</source>
      <translation>Jeu de données</translation>
    </message>
    <message>
      <location filename="../plugin/engine/report.py" />
      <source>Parameters</source>
      <translation>Paramètres</translation>
    </message>
    <message>
      <location filename="../plugin/engine/run_costs.py" />
      <source>preparing</source>
      <translation>préparation</translation>
    </message>
    <message>
      <location filename="../plugin/engine/run_costs.py" />
      <source>map-level scoring</source>
      <translation>évaluation de la carte</translation>
    </message>
    <message>
      <location filename="../plugin/engine/run_costs.py" />
      <source>cross-validation</source>
      <translation>validation croisée</translation>
    </message>
    <message>
      <location filename="../plugin/engine/run_costs.py" />
      <source>writing</source>
      <translation>écriture</translation>
    </message>
    <message>
      <location filename="../plugin/engine/sampling.py" />
      <source>Cannot write the dataset in '{folder}': {problem}. Free some disk space or choose another folder; an earlier dataset there is left as it was.</source>
      <translation>Impossible d'écrire le jeu de données dans « {folder} » : {problem}. Libérez de l'espace disque ou choisissez un autre dossier ; un jeu de données antérieur s'y trouvant reste tel quel.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/sampling.py" />
      <source>The patch size ({size} px) is larger than the raster ({width} x {height} px). Choose a smaller patch size.</source>
      <translation>La taille des imagettes ({size} px) dépasse celle du raster ({width} x {height} px). Choisissez une taille d'imagette plus petite.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/sampling.py" />
      <source>Patches were found for fewer than two classes (classes with patches: {found}). A classifier needs at least two. Check the patch size (smaller patches fit in smaller polygons), or digitise larger polygons.</source>
      <translation>Des imagettes ont été trouvées pour moins de deux classes (classes avec des imagettes : {found}). Un classifieur en demande au moins deux. Vérifiez la taille des imagettes (des imagettes plus petites tiennent dans des polygones plus petits), ou numérisez des polygones plus grands.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/sampling.py" />
      <source>Class '{name}' has only one feature on the raster, so it cannot be both trained and validated without leaking: it goes to training and will not be validated. Digitise at least one more feature of this class.</source>
      <translation>La classe « {name} » n'a qu'une entité sur le raster : elle ne peut pas servir à la fois à l'entraînement et à la validation sans fuite. Elle va à l'entraînement et ne sera pas validée. Numérisez au moins une autre entité de cette classe.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/sampling_config.py" />
      <source>The patch size must be at least {least} pixels (got {size}): every network halves its input 3 times, so smaller patches cannot be trained on. Choose a patch size of {least} or more (16 to 64 suits most imagery).</source>
      <translation>La taille des imagettes doit être d'au moins {least} pixels (reçu {size}) : chaque réseau divise son entrée 3 fois par deux, on ne peut donc pas s'entraîner sur des imagettes plus petites. Choisissez une taille d'imagette de {least} ou plus (16 à 64 convient à la plupart des images).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/sampling_config.py" />
      <source>The validation fraction must be between 0 and 1 (got {fraction}).</source>
      <translation>La fraction de validation doit être comprise entre 0 et 1 (reçu {fraction}).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/sampling_config.py" />
      <source>The minimum class share and the nodata tolerance are fractions between 0 and 1.</source>
      <translation>La part minimale de la classe et la tolérance aux nodata sont des fractions entre 0 et 1.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/sampling_config.py" />
      <source>The vector layer has no feature with a class. Check the layer, the class field and the selection.</source>
      <translation>La couche vecteur n'a aucune entité avec une classe. Vérifiez la couche, le champ de classe et la sélection.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/scoring.py" />
      <source>The dataset has no validation patches: accuracy, macro-F1 and kappa are unavailable and early stopping was off (the last epoch is kept). Sample again with a validation fraction above 0 to measure the model.</source>
      <translation>Le jeu de données n'a pas d'imagettes de validation : précision globale, F1 macro et kappa sont indisponibles et l'arrêt précoce était désactivé (la dernière époque est gardée). Échantillonnez à nouveau avec une fraction de validation supérieure à 0 pour mesurer le modèle.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/scoring.py" />
      <source> (95 % interval {low}-{high} over the features scored)</source>
      <translation> (intervalle de confiance à 95 % {low}-{high} sur les entités évaluées)</translation>
    </message>
    <message>
      <location filename="../plugin/engine/scoring.py" />
      <source>Validation: overall accuracy {accuracy}, macro-F1 {f1}{interval}, kappa {kappa} on {count} {unit}.</source>
      <translation>Validation : précision globale {accuracy}, F1 macro {f1}{interval}, kappa {kappa} sur {count} {unit}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/scoring.py" />
      <source>Class {code} '{name}' has no validation patch: it cannot be measured.</source>
      <translation>La classe {code} « {name} » n'a aucune imagette de validation : elle ne peut pas être mesurée.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/scoring.py" />
      <source>  {code} '{name}': precision {precision}, recall {recall}, F1 {f1}, {support} {unit}.</source>
      <translation>  {code} « {name} » : exactitude de l'utilisateur {precision}, exactitude du producteur {recall}, F1 {f1}, {support} {unit}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/scoring.py" />
      <source>'{name}' (F1 {f1}, recall {recall})</source>
      <translation>« {name} » (F1 {f1}, exactitude du producteur {recall})</translation>
    </message>
    <message>
      <location filename="../plugin/engine/scoring.py" />
      <source>Overall accuracy {accuracy} hides poorly recognised classes: {names}. Look at the confusion matrix in the report; more or better polygons of these classes help most.</source>
      <translation>La précision globale de {accuracy} cache des classes mal reconnues : {names}. Regardez la matrice de confusion dans le rapport ; des polygones plus nombreux ou meilleurs de ces classes aident le plus.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/scoring.py" />
      <source>Patch-level validation (early stopping): macro-F1 {f1}, overall accuracy {accuracy} on {count} {unit}. Map-level scoring: classifying the map around the {features} validation features, as 'Classify raster' would{left}…</source>
      <translation>Validation au niveau des imagettes (arrêt précoce) : F1 macro {f1}, précision globale {accuracy} sur {count} {unit}. Évaluation de la carte : classification de la carte autour des {features} entités de validation, comme le ferait « Classer un raster »{left}…</translation>
    </message>
    <message>
      <location filename="../plugin/engine/scoring.py" />
      <source>The map could not be scored on the validation features: {reason}. The scores below are patch-level: they measure easy validation patches and are usually higher than the map's. Keep the raster where it was sampled from to get map-level scores.</source>
      <translation>La carte n'a pas pu être évaluée sur les entités de validation : {reason}. Les scores ci-dessous sont au niveau des imagettes : ils mesurent des imagettes de validation faciles et sont en général plus élevés que ceux de la carte. Laissez le raster là où il a été échantillonné pour obtenir les scores de la carte.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/scoring.py" />
      <source>no map pixel fell in them</source>
      <translation>aucun pixel de la carte n'y est tombé</translation>
    </message>
    <message>
      <location filename="../plugin/engine/scoring.py" />
      <source>Cross-validation did not score the training features: {reason}. The scores below rest on the validation features only.</source>
      <translation>La validation croisée n'a pas évalué les entités d'entraînement : {reason}. Les scores ci-dessous ne reposent que sur les entités de validation.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/scoring.py" />
      <source> (cross-validation scored all it could: a class's only training {label} is never held out).</source>
      <translation> (la validation croisée a évalué tout ce qu'elle pouvait : le seul {label} d'entraînement d'une classe n'est jamais mis de côté).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/scoring.py" />
      <source>, sample with a larger validation fraction, or set 'Cross-validation' to 'Always'.</source>
      <translation>, échantillonnez avec une fraction de validation plus grande, ou réglez « Validation croisée » sur « Toujours ».</translation>
    </message>
    <message>
      <location filename="../plugin/engine/scoring.py" />
      <source>Few {labels} scored for {classes}: the map-level scores of these classes rest on too few {labels} to be more than rough, and the interval below understates it. Add more {labels} of them{remedy}</source>
      <translation>Peu de {labels} évalués pour {classes} : les scores de la carte pour ces classes reposent sur trop peu de {labels} pour être plus qu'approximatifs, et l'intervalle ci-dessous le sous-estime. Ajoutez d'autres {labels} de ces classes{remedy}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/tiles.py" />
      <source>The GPU ran out of memory even for one output pixel at a time. Close other programs using the GPU, or choose the CPU as device, and run again.</source>
      <translation>Le GPU a manqué de mémoire même pour un pixel de sortie à la fois. Fermez les autres programmes qui utilisent le GPU, ou choisissez le CPU comme périphérique, puis relancez.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/tiles.py" />
      <source>method {method}, {batch} patches per batch</source>
      <translation>méthode {method}, {batch} imagettes par lot</translation>
    </message>
    <message>
      <location filename="../plugin/engine/tiles.py" />
      <source>method {method}</source>
      <translation>méthode {method}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/tiles.py" />
      <source>The GPU ran out of memory even with batches of 1 patch. Close other programs using the GPU, or choose the CPU as device, and run again.</source>
      <translation>Le GPU a manqué de mémoire même avec des lots d'une imagette. Fermez les autres programmes qui utilisent le GPU, ou choisissez le CPU comme périphérique, puis relancez.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/tiles.py" />
      <source>The GPU ran out of memory: batches of {batch} patches from now on, and classification goes on. Set the batch size (BATCH_SIZE) to {batch} to start there next time.</source>
      <translation>Le GPU a manqué de mémoire : lots de {batch} imagettes désormais, et la classification continue. Réglez la taille de lot (BATCH_SIZE) à {batch} pour partir de là la prochaine fois.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/tiles.py" />
      <source>The GPU ran out of memory: tiles of {side} x {side} output pixels from now on, and classification goes on. Set the batch size (BATCH_SIZE) to {batch} to start there next time.</source>
      <translation>Le GPU a manqué de mémoire : tuiles de {side} x {side} pixels de sortie désormais, et la classification continue. Réglez la taille de lot (BATCH_SIZE) à {batch} pour partir de là la prochaine fois.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/tiles.py" />
      <source>per-pixel segmentation with a halo of {halo} px</source>
      <translation>segmentation par pixel avec un halo de {halo} px</translation>
    </message>
    <message>
      <location filename="../plugin/engine/tiles.py" />
      <source>The GPU ran out of memory: tiles of {side} x {side} output pixels from now on, and classification goes on.</source>
      <translation>Le GPU a manqué de mémoire : tuiles de {side} x {side} pixels de sortie désormais, et la classification continue.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/tiles.py" />
      <source>A segmentation network classifies every pixel at once: the method choice does not apply.</source>
      <translation>Un réseau de segmentation classe tous les pixels à la fois : le choix de la méthode ne s'applique pas.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/tiles.py" />
      <source>The GPU ran out of memory while loading the network. Close other programs using the GPU, or choose the CPU as device, and run again.</source>
      <translation>Le GPU a manqué de mémoire au chargement du réseau. Fermez les autres programmes qui utilisent le GPU, ou choisissez le CPU comme périphérique, puis relancez.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/trained_model.py" />
      <source>The trained model could not be written to '{path}' ({problem}), nor to the temporary folder ({rescue_problem}). Free some disk space and train again.</source>
      <translation>Le modèle entraîné n'a pas pu être écrit dans « {path} » ({problem}), ni dans le dossier temporaire ({rescue_problem}). Libérez de l'espace disque et relancez l'entraînement.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/trained_model.py" />
      <source>The trained model could not be written to '{path}' ({problem}). It was saved to '{rescue}' instead: move that file where you want it (free some space or choose a folder where you can write), or train again.</source>
      <translation>Le modèle entraîné n'a pas pu être écrit dans « {path} » ({problem}). Il a été enregistré dans « {rescue} » à la place : déplacez ce fichier où vous le voulez (libérez de l'espace ou choisissez un dossier où vous pouvez écrire), ou relancez l'entraînement.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/trainer.py" />
      <source>The GPU ran out of memory even with batches of 2 patches. Choose a smaller architecture or patch size, close other programs using the GPU, or train on the CPU.</source>
      <translation>Le GPU a manqué de mémoire même avec des lots de 2 imagettes. Choisissez une architecture ou une taille d'imagette plus petite, fermez les autres programmes qui utilisent le GPU, ou entraînez sur le CPU.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/trainer.py" />
      <source>The GPU ran out of memory: the batch size is halved to {size} and training goes on.</source>
      <translation>Le GPU a manqué de mémoire : la taille de lot est divisée par deux, à {size}, et l'entraînement continue.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/trainer.py" />
      <source>Training diverged (the loss became {loss}) at epoch {epoch}. Lower the learning rate (now {rate}), e.g. by 10.</source>
      <translation>L'entraînement a divergé (la perte est devenue {loss}) à l'époque {epoch}. Baissez le taux d'apprentissage (actuellement {rate}), par exemple d'un facteur 10.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training.py" />
      <source>Cross-validation: {networks} more networks, {duration} in all: each trains for {epochs} epochs (as many as this model took to reach its best macro-F1) on the {patches} training patches clear of its share of the {polygons} training polygons, then its map is scored on them.</source>
      <translation>Validation croisée : {networks} réseaux de plus, {duration} en tout : chacun s'entraîne {epochs} époques (autant qu'il en a fallu à ce modèle pour atteindre son meilleur F1 macro) sur les {patches} imagettes d'entraînement à l'écart de sa part des {polygons} polygones d'entraînement, puis sa carte est évaluée sur ceux-ci.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training.py" />
      <source>Training: up to {epochs} epochs, stopping once the validation macro-F1 has not risen for {patience} epochs…</source>
      <translation>Entraînement : jusqu'à {epochs} époques, avec arrêt une fois que le F1 macro de validation n'a pas progressé depuis {patience} époques…</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training.py" />
      <source>Training: up to {epochs} epochs…</source>
      <translation>Entraînement : jusqu'à {epochs} époques…</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training.py" />
      <source>The run was canceled: the scores are patch-level, the map was not scored.</source>
      <translation>L'exécution a été annulée : les scores sont au niveau des imagettes, la carte n'a pas été évaluée.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training.py" />
      <source>{share} of the training time was spent waiting for patches.</source>
      <translation>{share} du temps d'entraînement a été passé à attendre des imagettes.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training.py" />
      <source>Model written to {path} (canceled run: best epoch so far).</source>
      <translation>Modèle écrit dans {path} (exécution annulée : meilleure époque jusque-là).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training.py" />
      <source>Model written to {path}.</source>
      <translation>Modèle écrit dans {path}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training.py" />
      <source>The model was written to '{model}', but the report '{report}' could not be written: {problem} Free some space or choose another folder for the report; the model is complete.</source>
      <translation>Le modèle a été écrit dans « {model} », mais le rapport « {report} » n'a pas pu être écrit : {problem} Libérez de l'espace ou choisissez un autre dossier pour le rapport ; le modèle est complet.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training.py" />
      <source>Report written to {path}.</source>
      <translation>Rapport écrit dans {path}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training.py" />
      <source>Duration {total}: {split}; then {writing} writing the model and report.</source>
      <translation>Durée {total} : {split} ; puis {writing} pour écrire le modèle et le rapport.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training_config.py" />
      <source>Unknown architecture {architecture}; choose one of {choices}.</source>
      <translation>Architecture inconnue {architecture} ; choisissez parmi {choices}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training_config.py" />
      <source>Unknown pretrained mode {mode}; choose one of {choices}.</source>
      <translation>Mode de pré-entraînement inconnu {mode} ; choisissez parmi {choices}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training_config.py" />
      <source>Epochs must be at least 1 (got {epochs}), the batch size at least 2 (got {batch_size}) and the learning rate above 0 (got {rate}).</source>
      <translation>Le nombre d'époques doit être d'au moins 1 (reçu {epochs}), la taille de lot d'au moins 2 (reçu {batch_size}) et le taux d'apprentissage supérieur à 0 (reçu {rate}).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training_config.py" />
      <source>The patience, the jitter strength and the patches per epoch cannot be negative.</source>
      <translation>La patience, l'intensité de la variation radiométrique et les imagettes par époque ne peuvent pas être négatives.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training_config.py" />
      <source>Cross-validation must be one of {choices} (got {mode}) with at least 2 folds (got {folds}).</source>
      <translation>La validation croisée doit valoir l'une des valeurs {choices} (reçu {mode}) avec au moins 2 plis (reçu {folds}).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training_inputs.py" />
      <source>The patches are {size} px; the networks need at least {least} px. Sample larger patches.</source>
      <translation>Les imagettes font {size} px ; les réseaux demandent au moins {least} px. Échantillonnez des imagettes plus grandes.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training_inputs.py" />
      <source>The dataset '{path}' has {count} training patch(es); at least 2 are needed.</source>
      <translation>Le jeu de données « {path} » a {count} imagette(s) d'entraînement ; il en faut au moins 2.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training_inputs.py" />
      <source>Class {code} '{name}' has no training {unit}: the model cannot learn it.</source>
      <translation>La classe {code} « {name} » n'a aucune donnée d'entraînement ({unit}) : le modèle ne peut pas l'apprendre.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training_inputs.py" />
      <source>'{name}' {weight}</source>
      <translation>« {name} » {weight}</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training_inputs.py" />
      <source>Class weights: {weights}.</source>
      <translation>Poids des classes : {weights}.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training_inputs.py" />
      <source>Dataset: {train} training and {validation} validation patches of {size} px, {bands} bands, {classes} classes; batches of {batch} patches (the pixels of {asked} patches of {pixel_patch} px).</source>
      <translation>Jeu de données : {train} imagettes d'entraînement et {validation} de validation de {size} px, {bands} bandes, {classes} classes ; lots de {batch} imagettes (les pixels de {asked} imagettes de {pixel_patch} px).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training_inputs.py" />
      <source>Dataset: {train} training and {validation} validation patches of {size} px, {bands} bands, {classes} classes.</source>
      <translation>Jeu de données : {train} imagettes d'entraînement et {validation} de validation de {size} px, {bands} bandes, {classes} classes.</translation>
    </message>
    <message>
      <location filename="../plugin/engine/training_inputs.py" />
      <source>Each epoch trains on {epoch} of the {train} training patches, a new random part each time, so that the validation score is checked as often as on a small dataset ('Patches per epoch', 0 for every patch).</source>
      <translation>Chaque époque s'entraîne sur {epoch} des {train} imagettes d'entraînement, une nouvelle partie tirée au hasard à chaque fois, pour que le score de validation soit vérifié aussi souvent que sur un petit jeu de données (« Imagettes par époque », 0 pour toutes).</translation>
    </message>
    <message>
      <location filename="../plugin/engine/validation.py" />
      <source>the dataset has no validation features</source>
      <translation>le jeu de données n'a pas d'entités de validation</translation>
    </message>
    <message>
      <location filename="../plugin/engine/validation.py" />
      <source>the dataset was sampled by an earlier version of Imagette, which did not keep its polygons</source>
      <translation>le jeu de données a été échantillonné par une version antérieure d'Imagette, qui ne gardait pas ses polygones</translation>
    </message>
    <message>
      <location filename="../plugin/engine/validation.py" />
      <source>the run was canceled</source>
      <translation>l'exécution a été annulée</translation>
    </message>
    <message>
      <location filename="../plugin/engine/validation.py" />
      <source>the source raster '{raster}' cannot be read any more ({problem})</source>
      <translation>le raster source « {raster} » ne peut plus être lu ({problem})</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" />
      <source>Train patch classifier in background…</source>
      <translation>Entraîner un classifieur d'imagettes en tâche de fond…</translation>
    </message>
    <message>
      <location filename="../plugin/plugin.py" />
      <source>Copy the land-cover models to my models</source>
      <translation>Copier les modèles d'occupation du sol dans mes modèles</translation>
    </message>
    <message>
      <location filename="../plugin/provider.py" />
      <source>Imagette: land-cover mapping with CNNs</source>
      <translation>Imagette : cartographie de l'occupation du sol par CNN</translation>
    </message>
    <message>
      <location filename="../plugin/styling.py" />
      <source>QGIS cannot open the raster '{raster}' it has just written, to style it.</source>
      <translation>QGIS ne peut pas ouvrir le raster « {raster} » qu'il vient d'écrire, pour lui donner son style.</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>The algorithm {algorithm} is not available: enable the Imagette plugin.</source>
      <translation>L'algorithme {algorithm} n'est pas disponible : activez l'extension Imagette.</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>Details…</source>
      <translation>Détails…</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>no scores</source>
      <translation>aucun score</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>The dataset has no validation patches: the model could not be scored.</source>
      <translation>Le jeu de données n'a pas d'imagettes de validation : le modèle n'a pas pu être évalué.</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>patch-level macro-F1 {f1}, the map was not scored</source>
      <translation>F1 macro au niveau des imagettes {f1}, la carte n'a pas été évaluée</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>The run was canceled: the scores are patch-level, the map was not scored. Patch-level macro-F1 {f1} on the validation patches (easier than the map: the map usually scores lower).</source>
      <translation>L'entraînement a été annulé : les scores sont au niveau des imagettes, la carte n'a pas été évaluée. F1 macro au niveau des imagettes {f1} sur les imagettes de validation (plus faciles que la carte : la carte obtient généralement moins).</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>patch-level macro-F1 {f1}, the map could not be scored</source>
      <translation>F1 macro au niveau des imagettes {f1}, la carte n'a pas pu être évaluée</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>The map could not be scored (the log says why): patch-level macro-F1 {f1} on the validation patches (easier than the map: the map usually scores lower).</source>
      <translation>La carte n'a pas pu être évaluée (le journal dit pourquoi) : F1 macro au niveau des imagettes {f1} sur les imagettes de validation (plus faciles que la carte : la carte obtient généralement moins).</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source> (95 % interval {low}-{high})</source>
      <translation> (intervalle de confiance à 95 % {low}-{high})</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>, overall accuracy {accuracy}</source>
      <translation>, précision globale {accuracy}</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>map macro-F1 {f1} on the validation polygons</source>
      <translation>F1 macro de la carte {f1} sur les polygones de validation</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>The map scores macro-F1 {f1}{interval}{accuracy} on the validation polygons.</source>
      <translation>La carte obtient un F1 macro de {f1}{interval}{accuracy} sur les polygones de validation.</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>Model: {path}</source>
      <translation>Modèle : {path}</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>Report: {path}</source>
      <translation>Rapport : {path}</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>Training canceled; the best model so far was saved ({score}).</source>
      <translation>Entraînement annulé ; le meilleur modèle obtenu a été enregistré ({score}).</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>Training canceled: the model of the best epoch so far was saved.</source>
      <translation>Entraînement annulé : le modèle de la meilleure époque obtenue a été enregistré.</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>Training canceled before the first epoch ended: no model was written.</source>
      <translation>Entraînement annulé avant la fin de la première époque : aucun modèle n'a été écrit.</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>Training canceled before the first epoch ended: no model and no report were written.</source>
      <translation>Entraînement annulé avant la fin de la première époque : aucun modèle ni aucun rapport n'a été écrit.</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>The log is in the Processing tab of the Log Messages panel.</source>
      <translation>Le journal se trouve dans l'onglet Processing du panneau Journal des messages.</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>Training finished: {score}.</source>
      <translation>Entraînement terminé : {score}.</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>see the Processing log</source>
      <translation>voir le journal de Processing</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>Training failed: {reason}</source>
      <translation>L'entraînement a échoué : {reason}</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>The whole log is in the Processing tab of the Log Messages panel.</source>
      <translation>Le journal complet se trouve dans l'onglet Processing du panneau Journal des messages.</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>Open report</source>
      <translation>Ouvrir le rapport</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>Training started in the background: progress and cancel in the task manager.</source>
      <translation>Entraînement lancé en tâche de fond : progression et annulation dans le gestionnaire de tâches.</translation>
    </message>
    <message>
      <location filename="../plugin/tasks.py" />
      <source>{algorithm} (in the background)</source>
      <translation>{algorithm} (en tâche de fond)</translation>
    </message>
    <message>
      <location filename="../plugin/user_models.py" />
      <source>Cannot copy the land-cover models into your models folder '{folder}': {error}</source>
      <translation>Impossible de copier les modèles d'occupation du sol dans votre dossier de modèles « {folder} » : {error}</translation>
    </message>
    <message>
      <location filename="../plugin/user_models.py" />
      <source>They are in the Processing Toolbox under Models &gt; {group}: right-click one &gt; Edit Model… to adapt it in the Model Designer.</source>
      <translation>Ils sont dans la boîte à outils Traitement, sous Modèles &gt; {group} : clic droit sur l'un d'eux &gt; Éditer le modèle… pour l'adapter dans le concepteur de modèles.</translation>
    </message>
    <message>
      <location filename="../plugin/user_models.py" />
      <source>The land-cover models were copied to your models. {where}</source>
      <translation>Les modèles d'occupation du sol ont été copiés dans vos modèles. {where}</translation>
    </message>
    <message>
      <location filename="../plugin/user_models.py" />
      <source>Your models already hold the land-cover models, left as they are. {where}</source>
      <translation>Vos modèles contiennent déjà les modèles d'occupation du sol, laissés tels quels. {where}</translation>
    </message>
    <message>
      <location filename="../plugin/user_models.py" />
      <source>To copy a model again, rename or delete its copy first: a copy is never replaced.</source>
      <translation>Pour copier un modèle à nouveau, renommez ou supprimez d'abord sa copie : une copie n'est jamais remplacée.</translation>
    </message>
  </context>
</TS>
